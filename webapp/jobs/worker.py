"""The job loop shared by `flask worker` and the tests: claim, run, finish, retry or dead-letter.

The worker knows no domain: each job kind's handler comes from `jobs.registry`. One worker runs
one job at a time, or one batch of jobs of a kind whose handler runs batches (machine
translation: one engine call for several translations); run more processes (on one machine or
several) to go faster.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Collection
from types import FrameType

from flask import Flask
from sqlalchemy.engine import make_url

from webapp.core import outage
from webapp.core.db import DbSession
from webapp.extensions import db
from webapp.jobs import queue, registry
from webapp.jobs.heartbeat import Heartbeat
from webapp.jobs.models import Job
from webapp.jobs.registry import Capability, JobHandler, Outcome, handler_for

log = logging.getLogger(__name__)


class UnknownJobKind(Exception):
    """A job whose kind no handler claims (an old or mistyped kind): retrying cannot help."""


class WorkerStopping(BaseException):
    """Raised in the main thread to stop now: the current job is released, not finished.

    A BaseException, so that no handler's `except Exception` swallows it.
    """


class DatabaseAway(Exception):
    """The database went away while jobs were held: they are handed back once it returns.

    Not the jobs' fault, so no attempt is counted and nothing is recorded on them (nothing could
    be: the database is away). If the outage outlasts their leases, another worker may have taken
    them over meanwhile; handing back then finds them no longer ours and does nothing.
    """

    def __init__(self, job_ids: list[int]) -> None:
        super().__init__(f"database unavailable while holding job(s) {job_ids}")
        self.job_ids = job_ids


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _observe(kind: str, outcome: str, started: float) -> None:
    from webapp.core import metrics

    metrics.observe_job(kind, outcome, time.monotonic() - started)


def run_one(
    app: Flask,
    worker_id: str,
    heartbeat: Heartbeat | None = None,
    forced: threading.Event | None = None,
    kinds: Collection[str] | None = None,
) -> bool:
    """Claim and run one job (or one batch of them, see `run_claim`); False when nothing is due."""
    return run_claim(app, worker_id, heartbeat, forced, kinds) > 0


def run_claim(
    app: Flask,
    worker_id: str,
    heartbeat: Heartbeat | None = None,
    forced: threading.Event | None = None,
    kinds: Collection[str] | None = None,
) -> int:
    """Claim the next due job, with more of its kind when its handler runs batches; run them.
    With `kinds`, only a job of those kinds is claimed.

    Returns how many jobs were claimed (0: nothing is due). `forced` is set when the worker is
    being stopped now: whatever a job raises then is the interruption (a C extension may turn
    WorkerStopping into its own error), so the job is released, never counted as failed.
    """
    jobs = queue.claim_batch(
        db.session, worker_id, app.config["JOB_LEASE_SECONDS"], _batch_limit(app), kinds
    )
    # Read now: once the connection is lost, even reading an ORM attribute needs the database.
    claimed = [job.id for job in jobs]
    try:
        if len(jobs) == 1:
            _run_single(app, worker_id, jobs[0], heartbeat, forced)
        elif jobs:
            handler = handler_for(jobs[0].kind)
            assert handler is not None and handler.run_batch is not None  # see _batch_limit
            _run_batch(app, worker_id, handler, jobs, heartbeat, forced)
    except Exception as exc:
        if outage.is_outage(exc):
            raise DatabaseAway(claimed) from exc
        raise
    return len(jobs)


def _batch_limit(app: Flask) -> Callable[[str], int]:
    """How many due jobs of a kind one claim takes: its handler's batch size, else one."""

    def limit(kind: str) -> int:
        handler = handler_for(kind)
        if handler is None or handler.run_batch is None or handler.batch_size is None:
            return 1
        return max(1, handler.batch_size(app))

    return limit


def _hold(heartbeat: Heartbeat | None, forced: threading.Event | None, *job_ids: int) -> None:
    """Let the heartbeat keep the claimed jobs; hand them back unstarted if a stop is forced.

    A stop may come between the claim and this point, when no job is held yet: the signal
    handler then only sets `forced`, and the jobs are released here.
    """
    if heartbeat is not None:
        heartbeat.hold(*job_ids)
    if forced is not None and forced.is_set():
        raise WorkerStopping()


def _run_single(
    app: Flask,
    worker_id: str,
    job: Job,
    heartbeat: Heartbeat | None,
    forced: threading.Event | None,
) -> None:
    """Run one claimed job with its handler, then finish, fail or release it."""
    session = db.session
    job_id, kind, payload = job.id, job.kind, dict(job.payload)
    handler = handler_for(kind)
    started = time.monotonic()
    try:
        _hold(heartbeat, forced, job_id)  # inside the try: a stop from here on releases the job
        if handler is None:
            raise UnknownJobKind(f"No handler for job kind {kind!r}.")
        handler.run(session, payload, app)
        # The job's work and its DONE commit together: a crash before this commit leaves
        # neither, and a worker that lost its lease rolls its work back here.
        _finish(session, job, kind, worker_id, started)
    except WorkerStopping:
        _release([job_id], kind, worker_id, started)
        raise
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job
        if outage.is_outage(exc):
            raise  # not the job's failure: run_claim hands it back once the database returns
        session.rollback()
        if forced is not None and forced.is_set():
            log.warning("job %s interrupted (%s: %s)", job_id, type(exc).__name__, exc)
            _release([job_id], kind, worker_id, started)
            raise WorkerStopping() from exc
        gave_up = _record_failure(app, worker_id, job_id, payload, handler, exc)
        _observe(kind, "dead" if gave_up else "retry", started)
    finally:
        if heartbeat is not None:
            heartbeat.drop()


def _run_batch(
    app: Flask,
    worker_id: str,
    handler: JobHandler,
    jobs: list[Job],
    heartbeat: Heartbeat | None,
    forced: threading.Event | None,
) -> None:
    """Run claimed jobs of one kind together; then finish, fail or release each on its own.

    The handler's batch runner does the slow shared part (one engine call for all); each job's
    result is then applied and marked done in its own transaction, so one job's failure or lost
    lease never touches the others. A stop releases every job not yet settled.
    """
    session = db.session
    kind, started = handler.kind, time.monotonic()
    unsettled = [job.id for job in jobs]
    payloads = [dict(job.payload) for job in jobs]
    assert handler.run_batch is not None
    try:
        _hold(heartbeat, forced, *unsettled)  # inside the try: a stop releases the jobs
        try:
            outcomes = handler.run_batch(session, payloads, app)
        except WorkerStopping:
            raise
        except Exception as exc:  # noqa: BLE001 - the shared part failed: so did every job
            if outage.is_outage(exc):
                raise
            session.rollback()
            if forced is not None and forced.is_set():
                log.warning("jobs %s interrupted (%s: %s)", unsettled, type(exc).__name__, exc)
                raise WorkerStopping() from exc
            outcomes = [exc] * len(jobs)
        for job, payload, outcome in zip(jobs, payloads, outcomes, strict=True):
            _settle(app, worker_id, handler, job, payload, outcome, forced, started)
            unsettled.remove(job.id)
            if heartbeat is not None:
                heartbeat.drop(job.id)
    except WorkerStopping:
        _release(unsettled, kind, worker_id, started)
        raise
    finally:
        if heartbeat is not None:
            heartbeat.drop()


def _settle(
    app: Flask,
    worker_id: str,
    handler: JobHandler,
    job: Job,
    payload: dict,
    outcome: Outcome,
    forced: threading.Event | None,
    started: float,
) -> None:
    """Apply one batched job's result and finish it, or record its own failure."""
    session = db.session
    try:
        if isinstance(outcome, Exception):
            raise outcome
        outcome(session)
        _finish(session, job, handler.kind, worker_id, started)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on its job
        if outage.is_outage(exc):
            raise
        session.rollback()
        if forced is not None and forced.is_set():
            log.warning("job %s interrupted (%s: %s)", job.id, type(exc).__name__, exc)
            raise WorkerStopping() from exc
        gave_up = _record_failure(app, worker_id, job.id, payload, handler, exc)
        _observe(handler.kind, "dead" if gave_up else "retry", started)


def _finish(session: DbSession, job: Job, kind: str, worker_id: str, started: float) -> None:
    """Commit the job's work with its DONE, or roll it back when the lease was lost."""
    if queue.finish(session, job, worker_id):
        session.commit()
        _observe(kind, "done", started)
    else:
        session.rollback()
        log.warning("job %s: lease lost, result discarded", job.id)
        _observe(kind, "lost", started)


def _release(job_ids: list[int], kind: str, worker_id: str, started: float) -> None:
    """Hand stopped jobs back to the queue at once (or say they had already finished)."""
    session = db.session
    session.rollback()
    for job_id in job_ids:
        if queue.release(session, job_id, worker_id):
            log.warning("job %s released unfinished: the worker is stopping", job_id)
        else:
            log.warning(
                "job %s was no longer ours to release: it finished as the stop came", job_id
            )
    session.commit()
    for _job_id in job_ids:
        _observe(kind, "released", started)


def _record_failure(
    app: Flask,
    worker_id: str,
    job_id: int,
    payload: dict,
    handler: JobHandler | None,
    exc: Exception,
) -> bool:
    """Retry later or dead-letter; on giving up, let the domain show the failure to people."""
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
        return False
    gave_up = queue.fail(
        session,
        job,
        worker_id,
        message,
        max_attempts=_max_attempts(app, handler),
        backoff=_backoff(app, handler),
        final=final,
    )
    if gave_up and handler is not None and handler.on_give_up is not None:
        handler.on_give_up(session, payload, exc)
    session.commit()
    return gave_up


def _max_attempts(app: Flask, handler: JobHandler | None) -> int:
    """The handler's own number of attempts, else the queue's."""
    if handler is not None and handler.max_attempts is not None:
        return handler.max_attempts(app)
    return int(app.config["JOB_MAX_ATTEMPTS"])


def _backoff(app: Flask, handler: JobHandler | None) -> float:
    """The handler's own first retry delay, else the queue's."""
    if handler is not None and handler.backoff_seconds is not None:
        return handler.backoff_seconds(app)
    return float(app.config["JOB_BACKOFF_SECONDS"])


class _Poller:
    """Wake-up by polling (SQLite, or PostgreSQL when LISTEN is unavailable)."""

    how = "polling"

    def wait(self, seconds: float, stop: threading.Event) -> None:
        stop.wait(seconds)

    def close(self) -> None:
        pass


class _Listener(_Poller):
    """Wake-up by PostgreSQL LISTEN/NOTIFY, with the poll interval as the longest wait.

    Polling stays needed: retries with a backoff and leases that lapse announce nothing.
    """

    how = "LISTEN/NOTIFY"

    def __init__(self, url: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self._url = url
        self._conn: psycopg.Connection | None = None
        self._connect()

    def _connect(self) -> None:
        try:
            self._conn = self._psycopg.connect(self._url, autocommit=True)
            self._conn.execute(f"LISTEN {queue.CHANNEL}")
        except self._psycopg.Error as exc:
            log.warning("LISTEN unavailable (%s); polling instead", outage.first_line(exc))
            self.close()

    def wait(self, seconds: float, stop: threading.Event) -> None:
        if self._conn is None or self._conn.closed:
            self._connect()
        if self._conn is None:
            return super().wait(seconds, stop)
        try:
            for _note in self._conn.notifies(timeout=seconds, stop_after=1):
                break
        except self._psycopg.Error as exc:
            log.warning(
                "LISTEN connection lost (%s); polling until it is back", outage.first_line(exc)
            )
            self.close()
            stop.wait(seconds)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _waiter(app: Flask) -> _Poller:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql" and app.config["WORKER_LISTEN"]:
        return _Listener(url.set(drivername="postgresql").render_as_string(hide_password=False))
    return _Poller()


class StopSwitch:
    """How a signal handler (or a test) stops a worker: ask, and see whether a job is running."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.forced = threading.Event()  # stop now: the running job is being interrupted
        self.heartbeat: Heartbeat | None = None

    @property
    def busy(self) -> bool:
        return self.heartbeat is not None and bool(self.heartbeat.job_ids)


def run_worker(
    app: Flask,
    *,
    burst: bool = False,
    worker_id: str | None = None,
    switch: StopSwitch | None = None,
    kinds: Collection[str] | None = None,
) -> int:
    """Loop over due jobs until stopped (with `burst`, until none is due); of `kinds` only, when
    given (every registered kind by default). The worker's row records its kinds and what its
    handlers can do (see `capability_of`), kept current by the heartbeat.

    Returns the number of jobs handled. Raising WorkerStopping in the main thread (see `serve`)
    releases the current job and ends the loop. While the database is away (a restart, a lock
    held too long) the loop backs off and tries again: the worker outlives any outage, and jobs
    it held are handed back when the database returns.
    """
    worker_id = worker_id or default_worker_id()
    switch = switch or StopSwitch()
    stop = switch.requested
    lease = app.config["JOB_LEASE_SECONDS"]
    backoff = outage.Backoff(
        f"worker {worker_id}", log, cap=app.config["WORKER_RECONNECT_MAX_SECONDS"]
    )
    # Recorded on the row. Without `kinds` the claim is not filtered at all: a job of a kind no
    # handler knows is then still taken, and dead-lettered with that error for people to see.
    taken = sorted(kinds) if kinds is not None else registry.kinds()
    handled = 0
    with app.app_context():
        able = _first_capability(app, taken)
        if not _riding_out(backoff, stop, lambda: _register(worker_id, taken, able)):
            return 0
        heartbeat = Heartbeat(
            db.engine,
            worker_id,
            lease,
            interval=app.config["JOB_HEARTBEAT_SECONDS"],
            max_run_seconds=app.config["JOB_MAX_RUN_SECONDS"],
            capability=lambda: capability_of(app, taken),
            recorded=able,
        ).start()
        switch.heartbeat = heartbeat
        # Made when the queue first runs dry: a burst never needs one.
        waiter: _Poller | None = None
        stranded: list[int] = []  # held when the database went away: hand back when it returns
        log.info(
            "worker %s: lease %ss renewed every %ss", worker_id, lease, round(heartbeat.interval, 3)
        )
        try:
            while not stop.is_set():
                try:
                    if stranded:
                        _hand_back(stranded, worker_id)
                        stranded = []
                    claimed = run_claim(app, worker_id, heartbeat, switch.forced, kinds)
                    backoff.recovered()
                except DatabaseAway as away:
                    stranded = sorted(set(stranded) | set(away.job_ids))
                    _forget_connection()
                    backoff.wait(away.__cause__ or away, stop)
                    continue
                except Exception as exc:
                    if not outage.is_outage(exc):
                        raise
                    _forget_connection()
                    backoff.wait(exc, stop)
                    continue
                if claimed:
                    handled += claimed
                    continue
                db.session.remove()
                if burst:
                    break
                if waiter is None:
                    waiter = _waiter(app)
                    log.info("worker %s: waits for work by %s", worker_id, waiter.how)
                waiter.wait(app.config["WORKER_POLL_SECONDS"], stop)
        except WorkerStopping:
            log.info("worker %s: stopped with its job released", worker_id)
        finally:
            switch.heartbeat = None
            heartbeat.stop()
            if waiter is not None:
                waiter.close()
            _record_stop(worker_id, stranded)
    return handled


def capability_of(app: Flask, kinds: Collection[str]) -> Capability | None:
    """What the handlers of `kinds` can do (machine translation: pairs, device, compute type),
    or None when none of them says."""
    for kind in sorted(kinds):
        handler = handler_for(kind)
        if handler is not None and handler.capability is not None:
            return handler.capability(app)
    return None


def _first_capability(app: Flask, kinds: Collection[str]) -> Capability | None:
    """The capability at start; None when it cannot be read (an unreadable model folder must
    not keep a worker from its other kinds; the heartbeat asks again at every beat)."""
    try:
        return capability_of(app, kinds)
    except Exception:  # noqa: BLE001 - logged; recorded as unknown until a beat reads it
        log.warning("could not read what this worker can do", exc_info=True)
        return None


def _register(worker_id: str, kinds: list[str], able: Capability | None) -> None:
    queue.register_worker(
        db.session, worker_id, socket.gethostname(), os.getpid(), kinds=kinds, capability=able
    )
    db.session.commit()


def _riding_out(
    backoff: outage.Backoff, stop: threading.Event, attempt: Callable[[], None]
) -> bool:
    """Try `attempt` until it gets through an outage; False when stopped before it did."""
    while not stop.is_set():
        try:
            attempt()
        except Exception as exc:
            if not outage.is_outage(exc):
                raise
            _forget_connection()
            backoff.wait(exc, stop)
            continue
        backoff.recovered()
        return True
    return False


def _forget_connection() -> None:
    """Drop the session and its (likely dead) connection; the pool hands out fresh ones."""
    try:
        db.session.remove()
    except Exception:  # noqa: BLE001 - closing a dead connection may raise; it is gone anyway
        log.debug("closing the session after an outage failed", exc_info=True)


def _hand_back(job_ids: list[int], worker_id: str) -> None:
    """Release jobs stranded by an outage (those another worker took over meanwhile stay theirs)."""
    session = db.session
    for job_id in job_ids:
        if queue.release(session, job_id, worker_id):
            log.warning("job %s handed back after the database outage", job_id)
    session.commit()


def _record_stop(worker_id: str, stranded: list[int]) -> None:
    """Record the stop (and hand back stranded jobs); if the database is away, leases lapse."""
    try:
        db.session.remove()
        if stranded:
            _hand_back(stranded, worker_id)
        with db.engine.begin() as conn:
            queue.worker_stopped(conn, worker_id)
    except Exception as exc:
        if not outage.is_outage(exc):
            raise
        log.warning(
            "worker %s: could not record its stop, the database is away; its leases will lapse",
            worker_id,
        )
    finally:
        _forget_connection()


def serve(
    app: Flask,
    *,
    burst: bool = False,
    worker_id: str | None = None,
    kinds: Collection[str] | None = None,
) -> int:
    """Run the worker in this process's main thread, stopping gracefully on SIGTERM or SIGINT.

    The first signal lets the current job finish for up to WORKER_STOP_GRACE_SECONDS, then
    releases it; a second signal releases it at once. Either way the process exits 0 and no job
    is left to wait for its lease. Returns the number of jobs handled.
    """
    switch = StopSwitch()
    grace = float(app.config["WORKER_STOP_GRACE_SECONDS"])

    def release_now(signum: int, frame: FrameType | None) -> None:
        switch.forced.set()  # a job claimed but not yet started is handed back (see _hold)
        if switch.busy:  # only ever interrupt a job, never the loop's own bookkeeping
            raise WorkerStopping()

    def on_stop(signum: int, frame: FrameType | None) -> None:
        if switch.requested.is_set():  # a second signal: release now
            release_now(signum, frame)
            return
        switch.requested.set()
        if switch.busy:
            log.info("stopping: the current job has %ss to finish, then is released", grace)
        # Armed even when no job is held: one may be claimed but not yet held at this moment.
        signal.setitimer(signal.ITIMER_REAL, max(grace, 0.001))

    previous = {
        sig: signal.signal(sig, handler)
        for sig, handler in (
            (signal.SIGTERM, on_stop),
            (signal.SIGINT, on_stop),
            (signal.SIGALRM, release_now),
        )
    }
    try:
        return run_worker(app, burst=burst, worker_id=worker_id, switch=switch, kinds=kinds)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
