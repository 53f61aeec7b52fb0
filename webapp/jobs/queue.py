"""The durable job queue: enqueue, claim with a lease, finish exactly once.

Claiming is a compare-and-set UPDATE, which is atomic on SQLite and PostgreSQL alike: two
workers may pick the same candidate, but only one UPDATE matches. Finishing checks the lease
again, so a worker whose lease ran out (and whose job another worker took) cannot apply twice.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from webapp.core.db import DbSession, rowcount, utcnow
from webapp.jobs.models import Job, JobStatus


def enqueue(session: DbSession, kind: str, payload: dict, dedupe_key: str | None = None) -> Job:
    job = Job(kind=kind, payload=payload, status=JobStatus.QUEUED, dedupe_key=dedupe_key)
    session.add(job)
    session.flush()
    return job


def enqueue_once(session: DbSession, kind: str, payload: dict, dedupe_key: str) -> Job:
    """Enqueue unless the same work is already waiting (a running job may miss new input)."""
    waiting = session.scalar(
        select(Job).where(Job.dedupe_key == dedupe_key, Job.status == JobStatus.QUEUED).limit(1)
    )
    return waiting or enqueue(session, kind, payload, dedupe_key=dedupe_key)


def _claimable(now):
    return or_(
        and_(Job.status == JobStatus.QUEUED, Job.run_after <= now),
        and_(Job.status == JobStatus.RUNNING, Job.lease_until < now),
    )


def claim(session: DbSession, worker_id: str, lease_seconds: int) -> Job | None:
    """Take the oldest due job (or one whose lease expired) for this worker, or None.

    PostgreSQL skips rows another worker is claiming (SKIP LOCKED); SQLite serialises writers.
    A lost race means another worker made progress, so trying again always terminates.
    """
    while True:
        now = utcnow()
        candidate = session.scalar(
            select(Job.id)
            .where(_claimable(now))
            .order_by(Job.run_after, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            session.commit()
            return None
        taken = session.execute(
            update(Job)
            .where(Job.id == candidate, _claimable(now))
            .values(
                status=JobStatus.RUNNING,
                locked_by=worker_id,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=Job.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if rowcount(taken) == 1:
            return session.get(Job, candidate, populate_existing=True)


def _owned(job: Job, worker_id: str):
    return and_(Job.id == job.id, Job.status == JobStatus.RUNNING, Job.locked_by == worker_id)


def finish(session: DbSession, job: Job, worker_id: str) -> bool:
    """Mark done in the caller's transaction; False means the lease was lost (roll back)."""
    done = session.execute(
        update(Job)
        .where(_owned(job, worker_id))
        .values(status=JobStatus.DONE, finished_at=utcnow(), lease_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(done) == 1


def fail(
    session: DbSession,
    job: Job,
    worker_id: str,
    error: str,
    *,
    max_attempts: int,
    backoff: float,
    final: bool = False,
) -> bool:
    """Schedule a retry with exponential backoff, or give up and keep the error.

    Returns True when the job was given up (the caller records the failure where people see it).
    """
    give_up = final or job.attempts >= max_attempts
    values: dict = {"last_error": error[:4000], "lease_until": None, "locked_by": None}
    if give_up:
        values.update(status=JobStatus.FAILED, finished_at=utcnow())
    else:
        delay = backoff * (2 ** max(job.attempts - 1, 0))
        values.update(status=JobStatus.QUEUED, run_after=utcnow() + timedelta(seconds=delay))
    res = session.execute(
        update(Job)
        .where(_owned(job, worker_id))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(res) == 1 and give_up
