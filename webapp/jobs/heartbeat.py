"""The worker's heartbeat: a small thread that keeps the held job's lease and the worker's record
current while the main thread runs the job.

Why a thread and not renewal between batches: a job spends most of its time inside one engine
call (CTranslate2 releases the GIL and may run for minutes on a long summary), where no code of
ours runs to renew anything. A thread renews whatever the handler is doing, and dies with the
process: after SIGKILL, an OOM kill or a lost machine the renewals stop, the lease lapses within
JOB_LEASE_SECONDS, and another worker takes the job over. A slow job keeps its lease. A job wedged
for longer than JOB_MAX_RUN_SECONDS stops being renewed, so a hung worker cannot hold it forever.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from webapp.jobs import queue

log = logging.getLogger(__name__)


class Heartbeat:
    """Renews the lease of the job this worker holds every `interval` seconds (a third of the
    lease by default) and records the worker as seen."""

    def __init__(
        self,
        engine: Engine,
        worker_id: str,
        lease_seconds: float,
        *,
        interval: float | None = None,
        max_run_seconds: float | None = None,
    ) -> None:
        self.engine = engine
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds
        self.interval = min(interval or lease_seconds / 3, lease_seconds / 3)
        self.max_run_seconds = max_run_seconds
        self._lock = threading.Lock()
        self._job_id: int | None = None
        self._since = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def job_id(self) -> int | None:
        return self._job_id

    def hold(self, job_id: int) -> None:
        """The main thread now runs this job."""
        with self._lock:
            self._job_id, self._since = job_id, time.monotonic()

    def drop(self) -> None:
        """The main thread is done with its job (finished, failed or released)."""
        with self._lock:
            self._job_id = None

    def beat(self) -> bool:
        """Renew once; False when the held job is no longer ours (or none is held)."""
        with self._lock:
            job_id, since = self._job_id, self._since
        renewed = False
        with self.engine.begin() as conn:
            if job_id is not None:
                overdue = (
                    self.max_run_seconds is not None
                    and time.monotonic() - since > self.max_run_seconds
                )
                if overdue:
                    log.error(
                        "job %s has run longer than %ss: its lease is no longer renewed",
                        job_id,
                        self.max_run_seconds,
                    )
                else:
                    renewed = queue.renew(conn, job_id, self.worker_id, self.lease_seconds)
            queue.worker_seen(conn, self.worker_id, job_id)
        return renewed

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the heartbeat
                log.warning("heartbeat of %s failed; trying again", self.worker_id, exc_info=True)

    def start(self) -> Heartbeat:
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.worker_id}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop renewing (a stopping worker, or a test that plays a dead one)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
