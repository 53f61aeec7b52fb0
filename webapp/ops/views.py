"""Operations endpoints: liveness, readiness and a few counters."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import func, select, text

from webapp.core.permissions import Permission, public, requires
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@public
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - report, don't crash
        return jsonify({"status": "unavailable", "database": str(exc)}), 503
    return jsonify({"status": "ready"})


@bp.get("/metrics")
@requires(Permission.SEE_JOBS)
def metrics():
    """Job counts for Prometheus; scrape with an admin's API token (Authorization: Bearer)."""
    rows = db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    counts = {str(s): n for s, n in rows}
    lines = ["# TYPE kakehashi_jobs gauge"]
    lines += [f'kakehashi_jobs{{status="{s}"}} {counts.get(s, 0)}' for s in JobStatus]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
