"""The model-evaluation job (`mt.evaluation`): queued by the model page so that the page
answers at once; the worker runs it and keeps the result, which the page then shows.

Its kind is `mt_evaluate`, in no family: a worker started with `--kinds machine_translate` does
not take it (name it too: `--kinds machine_translate,mt_evaluate`); a worker taking every kind
does. It needs the same models folder as the page's host for uploads (`candidates_dir`)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.registry import Capability, JobHandler, Payload, register
from webapp.mt import evaluation
from webapp.mt.archives import PackageError
from webapp.mt.base import MTError
from webapp.mt.services import packages_dir

EVALUATE_JOB = "mt_evaluate"


def candidates_dir(app: Flask) -> Path:
    """Where uploaded candidate packages wait for their evaluation: beside the models folder,
    so a worker on the same host finds them (one on another host needs the same folder)."""
    return packages_dir(app).parent / "mt-candidates"


def _candidate(app: Flask, payload: Payload) -> Path | None:
    """The waiting upload the payload names, only ever inside the candidates folder."""
    name = payload.get("file")
    if not name:
        return None
    return candidates_dir(app) / Path(str(name)).name


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    """Evaluate, keep the result, and drop the uploaded candidate."""
    archive = _candidate(app, payload)
    try:
        evaluation.evaluate(
            session,
            app,
            (str(payload["source"]), str(payload["target"])),
            archive=archive,
            sample=int(payload.get("sample") or evaluation.DEFAULT_SAMPLE),
            requested_by=payload.get("requested_by"),
            candidate_name=payload.get("name"),
        )
    except (evaluation.EvaluationError, PackageError):
        if archive is not None:  # given up at once: no later attempt needs it
            archive.unlink(missing_ok=True)
        raise
    if archive is not None:
        archive.unlink(missing_ok=True)


def open_jobs(session: DbSession, limit: int = 10) -> list[Job]:
    """Evaluations waiting, running, or given up (with their reason), newest first."""
    return list(
        session.scalars(
            select(Job)
            .where(
                Job.kind == EVALUATE_JOB,
                Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DEAD)),
            )
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )


def _capability(app: Flask) -> Capability:
    from webapp.mt.engines import engine_for

    return Capability(
        pairs=tuple(engine_for(app).pairs()),
        device=str(app.config["MT_DEVICE"]),
        compute_type=str(app.config["MT_COMPUTE_TYPE"]),
    )


MODEL_EVALUATION = register(
    JobHandler(
        kind=EVALUATE_JOB,
        run=_run,
        # No retry makes approved segments appear or a package load: shown on the page at once.
        expected_errors=(evaluation.EvaluationError, PackageError, MTError),
        final_errors=(evaluation.EvaluationError, PackageError),
        capability=_capability,
    )
)
