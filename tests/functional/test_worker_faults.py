"""A worker process killed mid-job (SIGKILL): the job is not lost, nor done twice.

A real `flask worker` process claims a long translation job and is killed before it can finish.
Once its lease is over, another worker takes the job over and completes it: every segment gets
one machine draft, no history row is written twice, and what a translator wrote (before the
crash, or while the job was stranded) stays.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.factories import staff_headers, summary_payload
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus, Worker
from webapp.jobs.worker import run_worker
from webapp.translation.models import ChangeKind, Origin, SegmentChange, SegmentTranslation

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2
TIMEOUT = 60  # generous: only a hung worker gets near it


def body(paragraphs: int) -> str:
    return "\n\n".join(
        " ".join(
            f"Sentence {p}.{s} says the alliance grows stronger every year." for s in range(10)
        )
        for p in range(paragraphs)
    )


BODY = body(20)
# For a stop that must find the job still running: several seconds of machine translation, so
# the signal sent just after the claim cannot arrive after the job is done (CI saw that race).
VERY_LONG_BODY = body(150)


def poll(check, what: str):
    """Ask `check` until it answers something truthy; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def start_worker(app, tmp_path: Path, **settings: str) -> subprocess.Popen:
    """`flask worker` in its own process, on this test's database and models (plus `settings`)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "KAKEHASHI_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ARGOS_PACKAGES_DIR": app.config["ARGOS_PACKAGES_DIR"],
        "SECRET_KEY": "test-secret",
        "JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "WORKER_POLL_SECONDS": "0.05",
        "WORKER_STOP_GRACE_SECONDS": os.environ.get("WORKER_STOP_GRACE_SECONDS", "60"),
        **settings,
    }
    log = (tmp_path / "worker.log").open("wb")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()


def jobs(app) -> dict[int, Job]:
    with app.app_context():
        rows = db.session.scalars(select(Job)).all()
        db.session.expunge_all()
        db.session.remove()
        return {job.id: job for job in rows}


def all_done(app) -> bool:
    """One pass of a second worker (in this process); True once no job is left to do."""
    run_worker(app, burst=True, worker_id="second")
    return all(job.status == JobStatus.DONE for job in jobs(app).values())


def human_save(client, headers, tr_id: int, seg: dict, text: str) -> None:
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
        json={"text": text, "version": seg["version"]},
        headers=headers,
    )
    assert resp.status_code == 200, resp.json


@pytest.mark.parametrize("translator_works_meanwhile", [False, True])
def test_a_sigkilled_worker_loses_no_job_and_nothing_is_done_twice(
    make_app, tmp_path, translator_works_meanwhile
):
    app = make_app(JOB_LEASE_SECONDS=LEASE_SECONDS)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    created = client.post(
        "/api/v1/summaries", json=summary_payload(body=BODY), headers=liaison
    ).json
    tr_id = created["translations"]["ja"]["id"]
    translator = staff_headers(app, "translator", ["ja"])
    segments = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    assert len(segments) > 200
    human_save(client, translator, tr_id, segments[0], "人が先に書いた訳")

    worker = start_worker(app, tmp_path)
    try:
        (claimed,) = poll(
            lambda: [j for j in jobs(app).values() if j.status == JobStatus.RUNNING], "the claim"
        )
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=TIMEOUT) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    job = jobs(app)[claimed.id]
    assert job.status == JobStatus.RUNNING, f"the job was not mid-flight:\n{log}"
    assert job.locked_by == claimed.locked_by and job.attempts == 1
    with app.app_context():
        untouched = db.session.scalars(
            select(SegmentTranslation.id).where(SegmentTranslation.origin == Origin.MT)
        ).all()
        assert untouched == [], "the killed worker left half a job behind"

    humans = {segments[0]["id"]}
    if translator_works_meanwhile:
        # Her save queues a job for the pending segments (the running one may miss new input).
        human_save(client, translator, tr_id, segments[1], "人が後から書いた訳")
        humans.add(segments[1]["id"])
    else:
        assert len(jobs(app)) == 1  # nobody but the take-over can do the work
    poll(lambda: all_done(app), "the take-over")

    job = jobs(app)[claimed.id]
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.locked_by == "second"
    with app.app_context():
        rows = db.session.scalars(select(SegmentTranslation)).all()
        by_id = {st.id: st for st in rows}
        assert by_id[segments[0]["id"]].text == "人が先に書いた訳"
        if translator_works_meanwhile:
            assert by_id[segments[1]["id"]].text == "人が後から書いた訳"
        assert {st.id for st in rows if st.origin == Origin.HUMAN} == humans
        assert all(st.origin == Origin.MT and st.text for st in rows if st.id not in humans)
        changes = db.session.execute(
            select(SegmentChange.segment_translation_id, SegmentChange.kind)
        ).all()
        machine = Counter(seg for seg, kind in changes if kind == ChangeKind.MACHINE)
        assert set(machine) == set(by_id) - humans and set(machine.values()) == {1}
        versions = db.session.execute(
            select(SegmentChange.segment_translation_id, SegmentChange.version)
        ).all()
        assert len(versions) == len(set(versions)), "a history row was written twice"


# SIGTERM: a worker asked to stop finishes its job (or hands it back), records its stop and
# exits 0; on both databases.


def stop_and_wait(worker: subprocess.Popen) -> int:
    os.kill(worker.pid, signal.SIGTERM)
    try:
        return worker.wait(timeout=TIMEOUT)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def long_translation(app, text: str = BODY) -> int:
    """A summary long enough that its translation is still running when the signal comes."""
    return long_translations(app, 1, text)[0]


def long_translations(app, n: int, text: str = BODY) -> list[int]:
    """n such summaries (one machine-translation job each)."""
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    made = [
        client.post("/api/v1/summaries", json=summary_payload(body=text), headers=liaison)
        for _ in range(n)
    ]
    return [created.json["translations"]["ja"]["id"] for created in made]


def machine_drafts(app) -> int:
    with app.app_context():
        return len(
            db.session.scalars(
                select(SegmentTranslation.id).where(SegmentTranslation.origin == Origin.MT)
            ).all()
        )


@pytest.mark.backends("sqlite", "postgresql")
def test_sigterm_lets_the_current_job_finish_then_the_worker_exits_0(make_app, tmp_path):
    app = make_app(JOB_LEASE_SECONDS=LEASE_SECONDS)
    long_translation(app)
    worker = start_worker(app, tmp_path)
    (claimed,) = poll(
        lambda: [j for j in jobs(app).values() if j.status == JobStatus.RUNNING], "the claim"
    )
    code = stop_and_wait(worker)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert code == 0, log
    job = jobs(app)[claimed.id]
    assert job.status == JobStatus.DONE and job.attempts == 1, log
    assert machine_drafts(app) > 200
    with app.app_context():
        (record,) = db.session.scalars(select(Worker)).all()
        assert record.pid == worker.pid and record.stopped_at is not None
        assert record.current_job_id is None


@pytest.mark.backends("sqlite", "postgresql")
def test_sigterm_past_the_grace_period_releases_the_job_for_another_worker(
    make_app, tmp_path, monkeypatch
):
    app = make_app(JOB_LEASE_SECONDS=60)  # a release must not wait for the lease
    long_translation(app, VERY_LONG_BODY)
    monkeypatch.setenv("WORKER_STOP_GRACE_SECONDS", "0")
    worker = start_worker(app, tmp_path)
    (claimed,) = poll(
        lambda: [j for j in jobs(app).values() if j.status == JobStatus.RUNNING], "the claim"
    )
    code = stop_and_wait(worker)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert code == 0, log
    job = jobs(app)[claimed.id]
    assert "released unfinished" in log
    assert (job.status, job.attempts, job.locked_by, job.lease_until) == (
        JobStatus.QUEUED,
        0,
        None,
        None,
    ), log
    assert machine_drafts(app) == 0  # nothing half-applied
    assert run_worker(app, burst=True, worker_id="second") >= 1  # due at once, not in 60 s
    job = jobs(app)[claimed.id]
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.locked_by == "second"
    assert machine_drafts(app) > 200


# A batched claim (several translations in one engine call): a stop hands back every job of it.


def claimed_together(app, n: int) -> list[Job]:
    running = poll(
        lambda: [j for j in jobs(app).values() if j.status == JobStatus.RUNNING], "the claim"
    )
    assert len(running) == n and len({j.locked_by for j in running}) == 1, running
    return running


@pytest.mark.backends("sqlite", "postgresql")
def test_sigterm_past_the_grace_period_releases_every_job_of_a_batched_claim(
    make_app, tmp_path, monkeypatch
):
    app = make_app(JOB_LEASE_SECONDS=60)  # a release must not wait for the lease
    long_translations(app, 3, body(100))
    monkeypatch.setenv("WORKER_STOP_GRACE_SECONDS", "0")
    worker = start_worker(app, tmp_path)
    claimed = claimed_together(app, 3)
    code = stop_and_wait(worker)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert code == 0, log
    assert log.count("released unfinished") == 3, log
    for job in claimed:
        job = jobs(app)[job.id]
        assert (job.status, job.attempts, job.locked_by, job.lease_until) == (
            JobStatus.QUEUED,
            0,
            None,
            None,
        ), log
    assert machine_drafts(app) == 0  # nothing half-applied
    assert run_worker(app, burst=True, worker_id="second") == 3  # due at once, not in 60 s
    assert {(j.status, j.attempts, j.locked_by) for j in jobs(app).values()} == {
        (JobStatus.DONE, 1, "second")
    }
    assert machine_drafts(app) > 3000


@pytest.mark.backends("sqlite", "postgresql")
def test_sigterm_lets_a_batched_claim_finish_every_job_then_the_worker_exits_0(make_app, tmp_path):
    app = make_app(JOB_LEASE_SECONDS=LEASE_SECONDS)
    long_translations(app, 3)
    worker = start_worker(app, tmp_path)
    claimed = claimed_together(app, 3)
    code = stop_and_wait(worker)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert code == 0, log
    for job in claimed:
        job = jobs(app)[job.id]
        assert job.status == JobStatus.DONE and job.attempts == 1, log
    assert machine_drafts(app) > 600
