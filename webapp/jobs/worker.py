"""The job loop shared by `flask worker` and the tests: claim, run, finish or retry.

The worker knows no domain: each job kind's handler comes from `jobs.registry`.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback

from flask import Flask

from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.models import Job
from webapp.jobs.registry import JobHandler, handler_for

log = logging.getLogger(__name__)


class UnknownJobKind(Exception):
    """A job whose kind no handler claims (an old or mistyped kind): retrying cannot help."""


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_one(app: Flask, worker_id: str) -> bool:
    """Claim and run one job; False when nothing is due."""
    session = db.session
    job = queue.claim(session, worker_id, app.config["JOB_LEASE_SECONDS"])
    if job is None:
        return False
    job_id, payload = job.id, dict(job.payload)
    handler = handler_for(job.kind)
    try:
        if handler is None:
            raise UnknownJobKind(f"No handler for job kind {job.kind!r}.")
        handler.run(session, payload, app)
        if queue.finish(session, job, worker_id):
            session.commit()
        else:
            session.rollback()
            log.warning("job %s: lease lost, result discarded", job_id)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job
        session.rollback()
        _record_failure(app, worker_id, job_id, payload, handler, exc)
    return True


def _record_failure(
    app: Flask,
    worker_id: str,
    job_id: int,
    payload: dict,
    handler: JobHandler | None,
    exc: Exception,
) -> None:
    """Retry later or give up; on giving up, let the domain show the failure to people."""
    session = db.session
    expected = handler.expected_errors if handler else ()
    final = isinstance(exc, UnknownJobKind) or (
        handler is not None and isinstance(exc, handler.final_errors)
    )
    message = str(exc) if isinstance(exc, expected) else f"{type(exc).__name__}: {exc}"
    if not isinstance(exc, expected):
        log.error("job %s failed:\n%s", job_id, traceback.format_exc())
    job = session.get(Job, job_id, populate_existing=True)
    if job is None:  # deleted meanwhile: nothing left to record
        session.commit()
        return
    gave_up = queue.fail(
        session,
        job,
        worker_id,
        message,
        max_attempts=app.config["JOB_MAX_ATTEMPTS"],
        backoff=app.config["JOB_BACKOFF_SECONDS"],
        final=final,
    )
    if gave_up and handler is not None and handler.on_give_up is not None:
        handler.on_give_up(session, payload, exc)
    session.commit()


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
