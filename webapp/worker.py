"""The job loop shared by `flask worker` and the tests: claim, run, finish or retry."""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback

from flask import Flask
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import Job, Translation
from webapp.mt.base import MissingModelError, MTError
from webapp.mt.engines import engine_for
from webapp.services import jobs, translation

log = logging.getLogger(__name__)


def _handle_machine_translate(session: Session, job: Job, app: Flask) -> None:
    tr = session.get(Translation, job.payload["translation_id"])
    if tr is not None:  # the summary may have been deleted meanwhile
        translation.apply_machine_translation(session, tr, engine_for(app))


HANDLERS = {translation.MT_JOB: _handle_machine_translate}


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_one(app: Flask, worker_id: str) -> bool:
    """Claim and run one job; False when nothing is due."""
    session = db.session
    job = jobs.claim(session, worker_id, app.config["JOB_LEASE_SECONDS"])
    if job is None:
        return False
    try:
        HANDLERS[job.kind](session, job, app)
        if jobs.finish(session, job, worker_id):
            session.commit()
        else:
            session.rollback()
            log.warning("job %s: lease lost, result discarded", job.id)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job
        session.rollback()
        message = str(exc) if isinstance(exc, MTError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, MTError):
            log.error("job %s failed:\n%s", job.id, traceback.format_exc())
        job = session.get(Job, job.id, populate_existing=True)
        gave_up = jobs.fail(
            session,
            job,
            worker_id,
            message,
            max_attempts=app.config["JOB_MAX_ATTEMPTS"],
            backoff=app.config["JOB_BACKOFF_SECONDS"],
            final=isinstance(exc, MissingModelError),
        )
        tr_id = job.payload.get("translation_id")
        if gave_up and tr_id and (tr := session.get(Translation, tr_id)) is not None:
            code = (
                translation.MISSING_MODEL
                if isinstance(exc, MissingModelError)
                else translation.MT_FAILED
            )
            translation.mark_failed(session, tr, message, code)
        session.commit()
    return True


def run_worker(app: Flask, *, burst: bool = False, worker_id: str | None = None) -> int:
    """Loop over due jobs; with `burst`, stop when none is due. Returns jobs handled."""
    worker_id = worker_id or default_worker_id()
    handled = 0
    with app.app_context():
        while True:
            if run_one(app, worker_id):
                handled += 1
                continue
            db.session.remove()
            if burst:
                return handled
            time.sleep(app.config["WORKER_POLL_SECONDS"])
