"""The scheduled-release job: queued with `run_after` at the release time (`schedules`)."""

from __future__ import annotations

from flask import Flask

from webapp.core.db import DbSession, utcnow
from webapp.jobs.registry import JobHandler, Payload, register
from webapp.publishing import schedules


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    """Release the schedule at the version this job was queued for (a moved one: nothing)."""
    schedules.release(session, int(payload["schedule_id"]), int(payload["version"]), utcnow())


SCHEDULED_RELEASE = register(JobHandler(kind=schedules.JOB_KIND, run=_run))
