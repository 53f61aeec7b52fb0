"""The model-evaluation job (`mt.evaluation`): queued by the model page so that the page
answers at once; the worker runs it and keeps the result, which the page then shows.

Its kind is `mt_evaluate`, in no family: a worker started with `--kinds machine_translate` does
not take it (name it too: `--kinds machine_translate,mt_evaluate`); a worker taking every kind
does. An uploaded candidate waits in the database (`mt.candidates`), so a worker on any host
reads it; it is deleted when the evaluation finishes or is given up."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.registry import Capability, JobHandler, Payload, register
from webapp.mt import candidates, evaluation
from webapp.mt.archives import PackageError
from webapp.mt.base import MTError

EVALUATE_JOB = "mt_evaluate"


def _candidate_id(payload: Payload) -> int | None:
    value = payload.get("candidate")
    return int(value) if value is not None else None


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    """Evaluate, keep the result, and drop the uploaded candidate (with the job's DONE)."""
    candidate_id = _candidate_id(payload)
    if candidate_id is None and payload.get("file"):
        raise evaluation.EvaluationError(
            "this evaluation's upload waited in a folder of the web host, which workers no "
            "longer read; upload the candidate again."
        )
    folder = Path(tempfile.mkdtemp(prefix="kakehashi-candidate-"))
    try:
        archive: Path | None = None
        if candidate_id is not None:
            archive = folder / "candidate.argosmodel"
            candidates.write_to(session, candidate_id, archive)
        evaluation.evaluate(
            session,
            app,
            (str(payload["source"]), str(payload["target"])),
            archive=archive,
            sample=int(payload.get("sample") or evaluation.DEFAULT_SAMPLE),
            requested_by=payload.get("requested_by"),
            candidate_name=payload.get("name"),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if candidate_id is not None:
        candidates.discard(session, candidate_id)


def _give_up(session: DbSession, payload: Payload, exc: Exception) -> None:
    """The evaluation was given up (for any reason): its upload goes too."""
    candidate_id = _candidate_id(payload)
    if candidate_id is not None:
        candidates.discard(session, candidate_id)


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
        on_give_up=_give_up,
    )
)
