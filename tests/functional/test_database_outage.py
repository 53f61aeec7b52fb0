"""The database goes away under a running worker and web, then comes back: work goes on by itself.

PostgreSQL: a private cluster (tests/pg_cluster.py) is stopped with a fast shutdown, as a restart
or failover does, while a real `flask worker` process holds a translation job. Meanwhile the web
answers 503 with Retry-After (never 500) and /readyz names the reason. When the server is back,
the worker (still the same process) hands its job back or finishes it, every segment gets one
machine draft, and a summary written after the outage is translated without anyone restarting
anything. SQLite: a write lock held beyond the busy timeout is the same kind of outage.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections import Counter

import pytest
from sqlalchemy import select

from tests.factories import staff_headers, summary_payload
from tests.functional.test_worker_faults import TIMEOUT, body, start_worker
from tests.pg_cluster import PrivateCluster, server_bin
from webapp.core import outage
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus
from webapp.translation.models import ChangeKind, SegmentChange

REQUIRED = os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture
def cluster():
    if server_bin() is None:
        if REQUIRED:
            pytest.fail("no PostgreSQL server binaries under /usr/lib/postgresql")
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
    made = PrivateCluster()
    made.start()
    yield made
    made.destroy()


def settle(check, what: str):
    """Ask `check` until it answers something truthy, riding out the outage it may meet."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            found = check()
        except Exception as exc:
            if not outage.is_outage(exc):
                raise
            found = None
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def job_rows(app) -> list[Job]:
    with app.app_context():
        try:
            rows = db.session.scalars(select(Job).order_by(Job.id)).all()
            db.session.expunge_all()
            return list(rows)
        finally:
            db.session.remove()


def all_done(app, n: int) -> bool:
    rows = job_rows(app)
    return len(rows) >= n and all(job.status == JobStatus.DONE for job in rows)


def machine_writes(app) -> Counter:
    with app.app_context():
        kinds = db.session.execute(
            select(SegmentChange.segment_translation_id, SegmentChange.kind)
        ).all()
        db.session.remove()
    return Counter(seg for seg, kind in kinds if kind == ChangeKind.MACHINE)


def stop_worker(worker) -> int:
    os.kill(worker.pid, signal.SIGTERM)
    try:
        return worker.wait(timeout=TIMEOUT)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.mark.backends("postgresql")
def test_a_postgresql_restart_under_a_worker_and_the_web_loses_nothing(make_app, tmp_path, cluster):
    app = make_app(SQLALCHEMY_DATABASE_URI=cluster.url, JOB_LEASE_SECONDS=5)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    worker = start_worker(app, tmp_path, JOB_LEASE_SECONDS="5", WORKER_RECONNECT_MAX_SECONDS="0.5")
    log_path = tmp_path / "worker.log"
    try:
        first = client.post(
            "/api/v1/summaries", json=summary_payload(body=body(40)), headers=liaison
        )
        assert first.status_code == 201, first.json
        settle(lambda: [j for j in job_rows(app) if j.status == JobStatus.RUNNING], "the claim")

        cluster.stop()  # the job is in flight: its engine call runs on, its writes cannot
        away = client.get("/api/v1/summaries", headers=liaison)
        assert away.status_code == 503, away.get_data(as_text=True)
        assert away.headers["Retry-After"] == "5"
        assert away.json["reason"] in outage.REASONS
        page = client.get("/en/")
        assert page.status_code == 503 and page.headers["Retry-After"]
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.headers["Retry-After"]
        assert ready.json["reason"] == outage.REASONS[ready.json["database"].split()[0]]
        time.sleep(2)  # several of the worker's tries fail meanwhile
        assert worker.poll() is None, log_path.read_text(errors="replace")
        cluster.start()

        settle(lambda: all_done(app, 1), "the job held through the outage")
        after = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison)
        assert after.status_code == 201, after.json
        settle(lambda: all_done(app, 2), "a job queued after the outage")
        assert client.get("/readyz").status_code == 200
    finally:
        code = stop_worker(worker)
    log = log_path.read_text(errors="replace")
    assert code == 0, log
    loop = [line for line in log.splitlines() if line.startswith("worker ")]
    # Once per outage, not once per try (the heartbeat thread says so once too).
    assert sum("database unavailable" in line for line in loop) == 1, log
    assert sum("database back after" in line for line in loop) == 1, log
    writes = machine_writes(app)
    assert writes and set(writes.values()) == {1}, "a segment was machine-translated twice"
    jobs = job_rows(app)
    assert [job.status for job in jobs] == [JobStatus.DONE, JobStatus.DONE]
    assert jobs[0].attempts <= 2, jobs[0].last_error


def hold_write_lock(path: str) -> sqlite3.Connection:
    """Another process's long write: the lock every other writer waits for."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


@pytest.mark.backends("sqlite")
def test_sqlite_locked_beyond_the_busy_timeout_is_a_503_and_the_worker_waits(make_app, tmp_path):
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=100)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison)
    assert made.status_code == 201
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")

    lock = hold_write_lock(path)
    worker = start_worker(
        app, tmp_path, SQLITE_BUSY_TIMEOUT_MS="100", WORKER_RECONNECT_MAX_SECONDS="0.3"
    )
    log_path = tmp_path / "worker.log"
    try:
        refused = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison)
        assert refused.status_code == 503, refused.get_data(as_text=True)
        assert refused.json["reason"] == "locked" and refused.headers["Retry-After"]
        assert client.get("/en/").status_code == 200  # readers read through a writer's lock
        settle(lambda: "database unavailable (locked" in log_path.read_text(), "the backoff")
        time.sleep(1)
        assert worker.poll() is None, log_path.read_text(errors="replace")
        assert [job.status for job in job_rows(app)] == [JobStatus.QUEUED]
        lock.rollback()
        lock.close()
        settle(lambda: all_done(app, 1), "the job once the lock is gone")
        again = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison)
        assert again.status_code == 201
        settle(lambda: all_done(app, 2), "a job queued after the lock")
    finally:
        code = stop_worker(worker)
    log = log_path.read_text(errors="replace")
    assert code == 0, log
    assert "database back after" in log, log
