"""Operations endpoints: liveness, readiness and Prometheus metrics; request ids and timing."""

from __future__ import annotations

import time
from typing import cast

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from webapp.core import logs
from webapp.core import metrics as instruments
from webapp.core.permissions import Permission, public, requires
from webapp.extensions import db
from webapp.mt import availability
from webapp.ops import metrics, readiness
from webapp.translation.workflow import MT_JOB

bp = Blueprint("ops", __name__)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Check the settings, start the logs, and time every request from its first hook."""
    app = cast(Flask, state.app)
    if app.config["LOG_FORMAT"] not in ("text", "json"):
        raise RuntimeError("LOG_FORMAT must be text or json.")
    app.extensions["metrics_allow_from"] = metrics.parse_networks(app.config["METRICS_ALLOW_FROM"])
    availability.fallback_setting(app)  # a mistyped MT_FOLDER_FALLBACK stops the start
    logs.configure(app)
    # First among the before-request hooks, so time spent in the others counts too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)


def _start_request() -> None:
    g.request_started = time.perf_counter()
    logs.assign_request_id()


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id") or logs.assign_request_id()
    response.headers[logs.HEADER] = request_id
    started = g.get("request_started")
    instruments.observe_request(
        request.endpoint or "unmatched",
        request.method,
        response.status_code,
        time.perf_counter() - started if started is not None else None,
    )
    return response


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz() -> ResponseReturnValue:
    """200 when the database answers and its schema is at the migrations' head, else 503."""
    ready, report = readiness.check(
        db.session,
        current_app.extensions["migrate"].directory,
        # From live workers' rows (and this host's folder when the fallback applies).
        lambda: availability.offered(db.session, current_app, MT_JOB),
    )
    if ready:
        return jsonify(report), 200
    return jsonify(report), 503, {"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])}


def _scrape() -> ResponseReturnValue:
    body = metrics.scrape(db.session, current_app.config["PROMETHEUS_MULTIPROC_DIR"])
    return Response(body, content_type=metrics.CONTENT_TYPE)


_scrape_with_token = requires(Permission.SEE_JOBS)(_scrape)


@bp.get("/metrics")
def scrape_metrics() -> ResponseReturnValue:
    """Prometheus text: from an address in METRICS_ALLOW_FROM, or with the API token of a user
    who may see jobs (Authorization: Bearer)."""
    if metrics.address_allowed(request.remote_addr, current_app.extensions["metrics_allow_from"]):
        return _scrape()
    return _scrape_with_token()


# Declared like every route (the permission walk reads it): the token rule; the address rule is
# the one exception, configured by the operator.
scrape_metrics.permission = Permission.SEE_JOBS  # type: ignore[attr-defined]
