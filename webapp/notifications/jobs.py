"""Notification jobs: a person's gathered mail or digest, and a deadline's reminders.

Both are queued by subscribers in the transaction of the change (`services.schedule_mail`,
`services.schedule_deadline`) with `run_after` at their time, so they outlive restarts.
"""

from __future__ import annotations

from flask import Flask

from webapp.core.db import DbSession
from webapp.jobs.registry import JobHandler, Payload, register
from webapp.notifications import mail, services
from webapp.notifications.kinds import Frequency, Kind


def _send(session: DbSession, payload: Payload, app: Flask) -> None:
    """Send the person's waiting lines of one frequency (see `mail.send_pending` on failures)."""
    mail.send_pending(session, app, int(payload["user_id"]), Frequency(payload["frequency"]))


def _deadline(session: DbSession, payload: Payload, app: Flask) -> None:
    """Due soon or overdue, if still so for the deadline this job was queued for."""
    services.deadline_reached(
        session, int(payload["translation_id"]), Kind(payload["kind"]), str(payload["needed_by"])
    )


MAIL = register(JobHandler(kind=services.MAIL_JOB, run=_send))
DEADLINE = register(JobHandler(kind=services.DEADLINE_JOB, run=_deadline))
