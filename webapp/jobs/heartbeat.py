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
from collections.abc import Callable

from sqlalchemy import Engine

from webapp.core import outage
from webapp.jobs import queue
from webapp.jobs.registry import Capability

log = logging.getLogger(__name__)


class Heartbeat:
    """Renews the leases of the jobs this worker holds (one, or a batch claimed together) every
    `interval` seconds (a third of the lease by default) and records the worker as seen."""

    def __init__(
        self,
        engine: Engine,
        worker_id: str,
        lease_seconds: float,
        *,
        interval: float | None = None,
        max_run_seconds: float | None = None,
        capability: Callable[[], Capability | None] | None = None,
        recorded: Capability | None = None,
    ) -> None:
        self.engine = engine
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds
        self.interval = min(interval or lease_seconds / 3, lease_seconds / 3)
        self.max_run_seconds = max_run_seconds
        self._lock = threading.Lock()
        self._job_ids: tuple[int, ...] = ()
        self._since = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # What the worker can do, asked at every beat and written only when it changed since
        # `recorded` (what its row says): a model installed while it runs shows within a beat.
        self._capability = capability
        self._recorded = recorded

    @property
    def job_ids(self) -> tuple[int, ...]:
        return self._job_ids

    @property
    def job_id(self) -> int | None:
        """The first job held (the one the worker's record shows), or None."""
        held = self._job_ids
        return held[0] if held else None

    def hold(self, *job_ids: int) -> None:
        """The main thread now runs these jobs."""
        with self._lock:
            self._job_ids, self._since = tuple(job_ids), time.monotonic()

    def drop(self, job_id: int | None = None) -> None:
        """The main thread is done with this job (finished, failed or released), or with all."""
        with self._lock:
            self._job_ids = tuple(j for j in self._job_ids if job_id not in (None, j))

    def beat(self) -> bool:
        """Renew once; False when a held job is no longer ours (or none is held)."""
        with self._lock:
            job_ids, since = self._job_ids, self._since
        renewed: list[bool] = []
        now_able = self._able()
        with self.engine.begin() as conn:
            if job_ids:
                overdue = (
                    self.max_run_seconds is not None
                    and time.monotonic() - since > self.max_run_seconds
                )
                if overdue:
                    log.error(
                        "job(s) %s ran longer than %ss: their leases are no longer renewed",
                        ", ".join(map(str, job_ids)),
                        self.max_run_seconds,
                    )
                else:
                    renewed = [
                        queue.renew(conn, job_id, self.worker_id, self.lease_seconds)
                        for job_id in job_ids
                    ]
            queue.worker_seen(conn, self.worker_id, job_ids[0] if job_ids else None)
            if now_able != self._recorded:
                queue.worker_capable(conn, self.worker_id, now_able)
        if now_able != self._recorded:  # written: remember it once committed
            log.info("worker %s: capability now %s", self.worker_id, now_able)
            self._recorded = now_able
        return bool(renewed) and all(renewed)

    def _able(self) -> Capability | None:
        """The capability now; what was recorded if asking fails (leases come first)."""
        if self._capability is None:
            return None
        try:
            return self._capability()
        except Exception:  # noqa: BLE001 - an unreadable model folder must not stop renewals
            log.warning("worker %s: could not read its capability", self.worker_id, exc_info=True)
            return self._recorded

    def _run(self) -> None:
        # Beats keep their interval through an outage (a lease must be renewed as soon as the
        # database is back), but the outage is logged once, not at every beat.
        outage_log = outage.Backoff(f"heartbeat of {self.worker_id}", log)
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not kill the heartbeat
                if outage.is_outage(exc):
                    outage_log.failed(exc)
                else:
                    log.warning(
                        "heartbeat of %s failed; trying again", self.worker_id, exc_info=True
                    )
            else:
                outage_log.recovered()

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
