"""The durable job queue: enqueue, claim with a lease, renew it, finish exactly once.

Claiming is a compare-and-set UPDATE, which is atomic on SQLite and PostgreSQL alike: two
workers may pick the same candidate, but only one UPDATE matches (PostgreSQL's `FOR UPDATE SKIP
LOCKED` makes them pick different ones in the first place). The holder's heartbeat renews the
lease; once it lapses another worker takes the job over. Finishing checks ownership again, in the
same transaction as the job's work, so a worker that lost its job cannot apply it twice. One claim
may take several due jobs of a kind (`claim_batch`); each still has its own lease and is finished,
failed or released on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, and_, case, delete, func, or_, select, text, update
from sqlalchemy.sql.elements import ColumnElement

from webapp.core.db import DbSession, rowcount, utcnow
from webapp.core.errors import NotFound, Refused
from webapp.jobs.models import Job, JobStatus, Worker
from webapp.jobs.registry import Capability

# PostgreSQL channel a commit that queues work announces itself on (workers LISTEN to it).
CHANNEL = "kakehashi_jobs"

Executor = DbSession | Connection


def _is_postgres(session: DbSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def announce(session: DbSession) -> None:
    """Wake listening workers when this transaction commits (PostgreSQL; SQLite workers poll).

    NOTIFY is transactional: nothing is sent if the transaction rolls back, and PostgreSQL
    folds identical notifications of one transaction into one.
    """
    if _is_postgres(session):
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def enqueue(
    session: DbSession,
    kind: str,
    payload: dict,
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
) -> Job:
    """Add a job in the caller's transaction: it exists exactly when the caller's change does.

    `run_after`: not before this time (a scheduled release); the row waits in the queue, so it
    outlives restarts of every process.
    """
    job = Job(
        kind=kind,
        payload=payload,
        status=JobStatus.QUEUED,
        dedupe_key=dedupe_key,
        run_after=run_after or utcnow(),
    )
    session.add(job)
    session.flush()
    announce(session)
    return job


def enqueue_once(
    session: DbSession,
    kind: str,
    payload: dict,
    dedupe_key: str,
    run_after: datetime | None = None,
) -> Job:
    """Enqueue unless the same work is already waiting (a running job may miss new input).

    A dead-lettered job for the same work is brought back rather than left beside a new one, so
    the dead letters list only what nobody has retried. A job already waiting keeps its own
    `run_after` (a mail gathered for a minute is not put off by each new line).
    """
    waiting = session.scalar(
        select(Job).where(Job.dedupe_key == dedupe_key, Job.status == JobStatus.QUEUED).limit(1)
    )
    if waiting is not None:
        return waiting
    dead = session.scalar(
        select(Job)
        .where(Job.dedupe_key == dedupe_key, Job.status == JobStatus.DEAD)
        .order_by(Job.id.desc())
        .limit(1)
    )
    if dead is not None:
        dead.payload = payload
        _requeue(dead)
        if run_after is not None:
            dead.run_after = run_after
        session.flush()
        announce(session)
        return dead
    return enqueue(session, kind, payload, dedupe_key=dedupe_key, run_after=run_after)


def _requeue(job: Job) -> None:
    job.status = JobStatus.QUEUED
    job.attempts = 0
    job.run_after = utcnow()
    job.locked_by = job.lease_until = job.started_at = job.finished_at = None


def _due(now: datetime) -> tuple:
    """The two ways a job can be taken, each with the order it is taken in: first one whose lease
    lapsed (its worker died), then the oldest due one. Each is an index walk (`ix_jobs_claim`:
    status, run_after, id) that stops after the rows it needs, however long the queue."""
    return (
        (and_(Job.status == JobStatus.RUNNING, Job.lease_until < now), (Job.lease_until, Job.id)),
        (and_(Job.status == JobStatus.QUEUED, Job.run_after <= now), (Job.run_after, Job.id)),
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(*(where for where, _order in _due(now)))


def candidates(
    session: DbSession,
    limit: int = 1,
    kind: str | None = None,
    kinds: Collection[str] | None = None,
) -> list[int]:
    """Up to `limit` jobs to take next (of one kind, or of `kinds`, if given), in the order of
    `_due`. The kind is a filter on the same index walk (`ix_jobs_claim`), not another plan.

    On PostgreSQL the rows stay locked until the caller's transaction ends, so concurrent
    claimers skip them (SKIP LOCKED) instead of queueing behind them.
    """
    now = utcnow()
    found: list[int] = []
    for where, order in _due(now):
        if len(found) >= limit:
            break
        if kind is not None:
            where = and_(where, Job.kind == kind)
        if kinds is not None:
            where = and_(where, Job.kind.in_(sorted(kinds)))
        found += session.scalars(
            select(Job.id)
            .where(where)
            .order_by(*order)
            .limit(limit - len(found))
            .with_for_update(skip_locked=True)
        )
    return found


def take(session: DbSession, candidate: int, worker_id: str, lease_seconds: float) -> bool:
    """Compare-and-set the candidate to RUNNING for this worker; False when another won."""
    now = utcnow()
    taken = session.execute(
        update(Job)
        .where(Job.id == candidate, _claimable(now))
        .values(
            status=JobStatus.RUNNING,
            locked_by=worker_id,
            lease_until=now + timedelta(seconds=lease_seconds),
            started_at=now,
            attempts=Job.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(taken) == 1


def claim(
    session: DbSession,
    worker_id: str,
    lease_seconds: float,
    kinds: Collection[str] | None = None,
) -> Job | None:
    """Take the oldest due job (or one whose lease expired) for this worker, or None; of
    `kinds` only, when given."""
    taken = claim_batch(session, worker_id, lease_seconds, kinds=kinds)
    return taken[0] if taken else None


def claim_batch(
    session: DbSession,
    worker_id: str,
    lease_seconds: float,
    batch_limit: Callable[[str], int] | None = None,
    kinds: Collection[str] | None = None,
) -> list[Job]:
    """Take the next due job and, when `batch_limit(kind)` allows more, other due jobs of its kind.

    With `kinds`, only jobs of those kinds are taken (a worker started with `--kinds`).

    All are taken in one transaction, each with its own lease (each is then finished, failed or
    released on its own). A lost race means another worker made progress, so trying again
    always terminates. Returns [] when nothing is due.
    """
    while True:
        first = candidates(session, kinds=kinds)
        if not first:
            session.commit()
            return []
        if not take(session, first[0], worker_id, lease_seconds):
            session.commit()
            continue
        taken = first
        if batch_limit is not None:
            kind = session.scalars(select(Job.kind).where(Job.id == taken[0])).one()
            more = batch_limit(kind) - 1
            if more > 0:
                taken += [
                    candidate
                    for candidate in candidates(session, more, kind)
                    if take(session, candidate, worker_id, lease_seconds)
                ]
        session.commit()
        jobs = session.scalars(
            select(Job).where(Job.id.in_(taken)).execution_options(populate_existing=True)
        )
        order = {job_id: n for n, job_id in enumerate(taken)}
        return sorted(jobs, key=lambda job: order[job.id])


def renew(conn: Executor, job_id: int, worker_id: str, lease_seconds: float) -> bool:
    """Extend the lease of a job this worker still holds; False when it is no longer ours."""
    res = conn.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.locked_by == worker_id)
        .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return rowcount(res) == 1


def _owned(job_id: int, worker_id: str) -> ColumnElement[bool]:
    return and_(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.locked_by == worker_id)


def finish(session: DbSession, job: Job, worker_id: str) -> bool:
    """Mark done in the caller's transaction; False means the lease was lost (roll back)."""
    done = session.execute(
        update(Job)
        .where(_owned(job.id, worker_id))
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
    """Schedule a retry with exponential backoff, or dead-letter the job with its error.

    Returns True when the job was given up (the caller records the failure where people see it).
    """
    now = utcnow()
    give_up = final or job.attempts >= max_attempts
    values: dict = {
        "last_error": error[:4000],
        "failed_at": now,
        "lease_until": None,
        "locked_by": None,
    }
    if give_up:
        values.update(status=JobStatus.DEAD, finished_at=now)
    else:
        delay = backoff * (2 ** max(job.attempts - 1, 0))
        values.update(status=JobStatus.QUEUED, run_after=now + timedelta(seconds=delay))
    res = session.execute(
        update(Job)
        .where(_owned(job.id, worker_id))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(res) == 1 and give_up


def release(session: DbSession, job_id: int, worker_id: str) -> bool:
    """Hand a job back unfinished (a worker stopping): due at once, and the attempt not counted."""
    res = session.execute(
        update(Job)
        .where(_owned(job_id, worker_id))
        .values(
            status=JobStatus.QUEUED,
            attempts=case((Job.attempts > 0, Job.attempts - 1), else_=0),
            run_after=utcnow(),
            lease_until=None,
            locked_by=None,
            started_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(res) == 1:
        announce(session)
        return True
    return False


# People: retry, list, purge.


def retry(session: DbSession, job_id: int) -> Job:
    """Send a dead-lettered job back to the queue with a fresh set of attempts."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(str(_l("No job with id %(id)s.", id=job_id)))
    if job.status != JobStatus.DEAD:
        raise Refused(
            str(
                _l(
                    "Job %(id)s is %(state)s: only a dead-lettered job can be retried.",
                    id=job_id,
                    state=str(job.status),
                )
            )
        )
    _requeue(job)
    session.flush()
    announce(session)
    return job


def list_jobs(session: DbSession, state: JobStatus | None = None, limit: int = 50) -> list[Job]:
    """The newest jobs, of one state or all."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Job.status == state)
    return list(session.scalars(query))


def depth_by_state(session: DbSession) -> dict[JobStatus, int]:
    """How many jobs are in each state (every state listed, zero included)."""
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    counts = {JobStatus(s): n for s, n in rows}
    return {s: counts.get(s, 0) for s in JobStatus}


def oldest_due(session: DbSession) -> datetime | None:
    """When the longest-waiting due job became due (how far behind the workers are)."""
    return session.scalar(
        select(func.min(Job.run_after)).where(
            Job.status == JobStatus.QUEUED, Job.run_after <= utcnow()
        )
    )


def failing(session: DbSession, limit: int = 20) -> list[Job]:
    """Jobs whose last attempt failed and that will be tried again, most recent failure first."""
    return list(
        session.scalars(
            select(Job)
            .where(
                Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)), Job.failed_at.is_not(None)
            )
            .order_by(Job.failed_at.desc())
            .limit(limit)
        )
    )


def dead_letters(session: DbSession, limit: int = 50) -> list[Job]:
    """Dead-lettered jobs, most recent first."""
    return list(
        session.scalars(
            select(Job)
            .where(Job.status == JobStatus.DEAD)
            .order_by(Job.finished_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Purged:
    jobs: int
    workers: int


def purge(
    session: DbSession, older_than: timedelta, states: tuple[JobStatus, ...] = (JobStatus.DONE,)
) -> Purged:
    """Delete finished jobs of `states` finished before the cutoff, and workers gone as long.

    Queued and running jobs are never purged, whatever `states` says.
    """
    cutoff = utcnow() - older_than
    final = tuple(s for s in states if s in (JobStatus.DONE, JobStatus.DEAD))
    jobs = session.execute(
        delete(Job)
        .where(Job.status.in_(final), Job.finished_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    workers = session.execute(
        delete(Worker)
        .where(Worker.last_seen_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return Purged(rowcount(jobs), rowcount(workers))


# Workers: each process records itself, and its heartbeat keeps the record current.


def register_worker(
    session: DbSession,
    name: str,
    host: str,
    pid: int,
    kinds: Collection[str] | None = None,
    capability: Capability | None = None,
) -> None:
    """Record a starting worker, with the kinds it takes and what it can do (a name reused
    after a restart takes over the old record)."""
    session.execute(delete(Worker).where(Worker.name == name))
    now = utcnow()
    session.add(
        Worker(
            name=name,
            host=host,
            pid=pid,
            started_at=now,
            last_seen_at=now,
            kinds=sorted(kinds) if kinds is not None else None,
            **_capability_values(capability),
        )
    )
    session.flush()


def _capability_values(capability: Capability | None) -> dict:
    if capability is None:
        return {"pairs": None, "device": None, "compute_type": None}
    return {
        "pairs": sorted(capability.pairs),
        "device": capability.device,
        "compute_type": capability.compute_type,
    }


def worker_capable(conn: Executor, name: str, capability: Capability | None) -> None:
    """The worker's capability changed (a model installed or removed): record the new one."""
    conn.execute(
        update(Worker)
        .where(Worker.name == name)
        .values(**_capability_values(capability))
        .execution_options(synchronize_session=False)
    )


def worker_seen(conn: Executor, name: str, job_id: int | None) -> None:
    """The worker is alive and holds this job (or none)."""
    conn.execute(
        update(Worker)
        .where(Worker.name == name)
        .values(last_seen_at=utcnow(), current_job_id=job_id)
        .execution_options(synchronize_session=False)
    )


def worker_stopped(conn: Executor, name: str) -> None:
    now = utcnow()
    conn.execute(
        update(Worker)
        .where(Worker.name == name)
        .values(last_seen_at=now, stopped_at=now, current_job_id=None)
        .execution_options(synchronize_session=False)
    )


# A worker not seen for this long is gone (its heartbeat beats every few seconds): the admin page
# and the workers-alive metric both count by this.
WORKER_GONE_AFTER = timedelta(minutes=2)


def alive_since() -> datetime:
    """Workers last seen after this moment are alive."""
    return utcnow() - WORKER_GONE_AFTER


def _alive() -> ColumnElement[bool]:
    return and_(Worker.stopped_at.is_(None), Worker.last_seen_at >= alive_since())


def live_workers(session: DbSession, kind: str | None = None) -> list[Worker]:
    """Workers alive now (by the rule above), of those that take `kind` if given. A row written
    before workers reported their kinds takes every kind (as those workers did)."""
    alive = list(
        session.scalars(select(Worker).where(_alive()).order_by(Worker.last_seen_at.desc()))
    )
    if kind is None:
        return alive
    return [w for w in alive if w.kinds is None or kind in w.kinds]


def count_alive_workers(session: DbSession) -> int:
    return session.scalar(select(func.count(Worker.id)).where(_alive())) or 0


def workers(session: DbSession, limit: int = 50) -> list[Worker]:
    """Workers by when they were last seen, most recent first."""
    return list(session.scalars(select(Worker).order_by(Worker.last_seen_at.desc()).limit(limit)))
