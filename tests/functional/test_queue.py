"""The hardened queue on SQLite and PostgreSQL: claims, leases kept by a heartbeat, take-over,
dead letters, retry (CLI and admin page), purge, idempotent application and wake-up."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.conftest import csrf_token
from tests.factories import make_user, sign_in
from webapp.audit.models import AuditEvent
from webapp.core.cli import _os_account
from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.heartbeat import Heartbeat
from webapp.jobs.models import Job, JobStatus, Worker
from webapp.jobs.registry import JobHandler, register
from webapp.jobs.worker import StopSwitch, _waiter, run_one, run_worker, serve
from webapp.translation import workflow
from webapp.translation.models import ChangeKind, SegmentChange, SegmentTranslation

pytestmark = pytest.mark.backends("sqlite", "postgresql")

RAN: Counter[int] = Counter()
SLOW_GATE = threading.Event()


def _noop(session, payload, app):
    RAN[payload["n"]] += 1


def _broken(session, payload, app):
    raise RuntimeError("always broken")


def _slow(session, payload, app):
    assert SLOW_GATE.wait(timeout=60), "the test never let the slow job finish"


for _kind, _fn in (("test_q_noop", _noop), ("test_q_broken", _broken), ("test_q_slow", _slow)):
    register(JobHandler(kind=_kind, run=_fn))


@pytest.fixture(autouse=True)
def _reset():
    RAN.clear()
    SLOW_GATE.clear()
    yield
    SLOW_GATE.set()


def enqueue(app, kind: str = "test_q_noop", n: int = 0) -> int:
    with app.app_context():
        job = queue.enqueue(db.session, kind, {"n": n})
        db.session.commit()
        return job.id


def get_job(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge_all()
        return job


# Claims


def test_two_sessions_claiming_at_once_never_take_the_same_job(app, backend):
    first, second = enqueue(app, n=1), enqueue(app, n=2)
    with app.app_context():
        with Session(db.engine) as a:
            # A has picked its candidate but not yet taken it (on PostgreSQL: the row is locked).
            [candidate] = queue.candidates(a)
            assert candidate == first
            b_job = queue.claim(db.session, "b", lease_seconds=30)
            # PostgreSQL: B skips the row A has locked. SQLite: B takes it; A's CAS then fails.
            assert b_job.id == (second if backend == "postgresql" else first)
            a_won = queue.take(a, candidate, "a", lease_seconds=30)
            a.commit()
            assert a_won is (backend == "postgresql")
            if not a_won:
                assert queue.claim(a, "a", lease_seconds=30).id == second
        rows = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert {j.locked_by for j in rows} == {"a", "b"}
        assert [j.attempts for j in rows] == [1, 1]
        assert [j.status for j in rows] == [JobStatus.RUNNING, JobStatus.RUNNING]


def test_four_workers_in_threads_run_each_of_40_jobs_exactly_once(app):
    for n in range(40):
        enqueue(app, n=n)
    handled: list[int] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            handled.append(run_worker(app, burst=True, worker_id=name))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(handled) == 40
    assert Counter(range(40)) == RAN
    with app.app_context():
        rows = db.session.scalars(select(Job)).all()
        assert {(j.status, j.attempts) for j in rows} == {(JobStatus.DONE, 1)}
        # Every worker recorded itself, and recorded its stop.
        workers = db.session.scalars(select(Worker)).all()
        assert {w.name for w in workers} == {"w0", "w1", "w2", "w3"}
        assert all(w.stopped_at is not None and w.current_job_id is None for w in workers)


def _noop_batch(session, payloads, app):
    """Run as one batch; each job's run is recorded when its own transaction applies it."""

    def apply(n):
        return lambda _session: RAN.update([n])

    return [apply(payload["n"]) for payload in payloads]


register(JobHandler(kind="test_q_batch", run=_noop, run_batch=_noop_batch, batch_size=lambda a: 3))


def test_batched_claims_never_take_the_same_job_and_skip_locked_rows(app, backend):
    ids = [enqueue(app, "test_q_batch", n) for n in range(5)]
    with app.app_context():
        with Session(db.engine) as a:
            # A has picked two candidates but not yet taken them (PostgreSQL: rows locked).
            picked = queue.candidates(a, 2, "test_q_batch")
            assert picked == ids[:2]
            taken = queue.claim_batch(db.session, "b", 30, lambda kind: 3)
            # PostgreSQL: B's batch passes over A's rows. SQLite: B takes them; A's CAS fails.
            assert [j.id for j in taken] == (ids[2:] if backend == "postgresql" else ids[:3])
            assert {(j.status, j.locked_by, j.attempts) for j in taken} == {
                (JobStatus.RUNNING, "b", 1)
            }
            won = [job_id for job_id in picked if queue.take(a, job_id, "a", lease_seconds=30)]
            a.commit()
            assert won == (ids[:2] if backend == "postgresql" else [])
        rows = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert [j.locked_by for j in rows] == (
            ["a", "a", "b", "b", "b"] if backend == "postgresql" else ["b", "b", "b", None, None]
        )
        assert all(j.attempts == (1 if j.status == JobStatus.RUNNING else 0) for j in rows)
        # Each job of a batch keeps its own lease: one finished, the others still held.
        assert queue.finish(db.session, taken[0], "b") is True
        db.session.commit()
        assert queue.renew(db.session, taken[1].id, "b", 30) is True
        assert queue.renew(db.session, taken[0].id, "b", 30) is False
        db.session.rollback()


def test_four_workers_claiming_batches_run_each_of_40_jobs_exactly_once(app):
    for n in range(40):
        enqueue(app, "test_q_batch", n)
    handled: list[int] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            handled.append(run_worker(app, burst=True, worker_id=name))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(handled) == 40
    assert Counter(range(40)) == RAN
    with app.app_context():
        rows = db.session.scalars(select(Job)).all()
        assert {(j.status, j.attempts) for j in rows} == {(JobStatus.DONE, 1)}


# Leases: renewal, take-over


def test_a_renewed_lease_is_kept_and_a_lapsed_one_is_taken_over(app):
    kept, lapsed = enqueue(app, n=1), enqueue(app, n=2)
    with app.app_context():
        queue.register_worker(db.session, "slow", "host", 1)
        db.session.commit()
        heartbeat = Heartbeat(db.engine, "slow", lease_seconds=30)
        job = queue.claim(db.session, "slow", lease_seconds=-1)  # as if the lease ran out
        assert job.id == kept
        heartbeat.hold(kept)
        assert heartbeat.beat() is True  # the slow worker is alive: its lease is renewed
        assert queue.claim(db.session, "other", lease_seconds=30).id == lapsed
        assert queue.claim(db.session, "other", lease_seconds=30) is None  # kept stays kept
        worker = db.session.scalars(select(Worker)).one()
        assert worker.current_job_id == kept

        # "other" dies holding `lapsed` (no heartbeat renews it); "third" takes it over.
        db.session.execute(
            update(Job)
            .where(Job.id == lapsed)
            .values(lease_until=queue.utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        taken = queue.claim(db.session, "third", lease_seconds=30)
        assert taken.id == lapsed and taken.attempts == 2 and taken.locked_by == "third"
        # The dead worker, were it to come back, can neither renew nor finish it.
        assert queue.renew(db.session, lapsed, "other", 30) is False
        assert queue.finish(db.session, taken, "other") is False
        db.session.rollback()
        assert queue.finish(db.session, taken, "third") is True
        db.session.commit()


def test_the_heartbeat_thread_keeps_a_slow_job_from_being_taken_over(make_app):
    lease = 0.6  # renewed every 0.2 s; a claim attempt after 3 leases would find it lapsed
    app = make_app(JOB_LEASE_SECONDS=lease)
    job_id = enqueue(app, "test_q_slow")
    switch = StopSwitch()
    worker = threading.Thread(
        target=run_worker,
        args=(app,),
        kwargs={"burst": True, "worker_id": "slow", "switch": switch},
    )
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while get_job(app, job_id).status != JobStatus.RUNNING:
            assert time.monotonic() < deadline, "the worker never claimed the job"
            time.sleep(0.02)
        intruder_until = time.monotonic() + 3 * lease
        tries = 0
        with app.app_context():
            while time.monotonic() < intruder_until:
                assert queue.claim(db.session, "intruder", lease_seconds=30) is None
                tries += 1
                time.sleep(0.05)
            db.session.remove()
        assert tries > 3
    finally:
        SLOW_GATE.set()
        worker.join(timeout=60)
    job = get_job(app, job_id)
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.locked_by == "slow"


# Dead letters, retry and purge


def test_a_job_failing_every_attempt_is_dead_lettered_and_retried_from_the_cli(make_app):
    app = make_app(JOB_MAX_ATTEMPTS=2)
    job_id = enqueue(app, "test_q_broken")
    assert run_worker(app, burst=True) == 2
    job = get_job(app, job_id)
    assert job.status == JobStatus.DEAD and job.attempts == 2
    assert job.last_error == "RuntimeError: always broken" and job.failed_at is not None
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["jobs", "list", "--state", "dead"])
    assert listed.exit_code == 0
    assert f"{job_id}  dead" in listed.output and "RuntimeError: always broken" in listed.output
    assert "dead: 1" in listed.output

    retried = runner.invoke(args=["jobs", "retry", str(job_id)])
    assert retried.exit_code == 0, retried.output
    assert f"Queued again: {job_id}." in retried.output
    job = get_job(app, job_id)
    assert job.status == JobStatus.QUEUED and job.attempts == 0 and job.locked_by is None

    again = runner.invoke(args=["jobs", "retry", str(job_id)])
    assert again.exit_code == 1
    assert "only a dead-lettered job can be retried" in again.output
    missing = runner.invoke(args=["jobs", "retry", "999999"])
    assert missing.exit_code == 1 and "No job with id 999999" in missing.output
    neither = runner.invoke(args=["jobs", "retry"])
    assert neither.exit_code == 2 and "--all-dead" in neither.output
    bad = runner.invoke(args=["jobs", "list", "--state", "lost"])
    assert bad.exit_code == 2

    assert run_worker(app, burst=True) == 2  # a fresh set of attempts
    assert runner.invoke(args=["jobs", "retry", "--all-dead"]).exit_code == 0
    assert get_job(app, job_id).status == JobStatus.QUEUED
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.retry"))
        assert [(e.object_id, e.detail["via"], e.operator) for e in events] == [
            (job_id, "cli", _os_account())
        ] * 2  # the shell account that ran the command


def test_purge_deletes_old_done_jobs_keeps_dead_ones_unless_asked_and_never_touches_waiting(
    make_app,
):
    app = make_app(JOB_MAX_ATTEMPTS=1)
    done, dead = enqueue(app, n=1), enqueue(app, "test_q_broken")
    assert run_worker(app, burst=True) == 2
    waiting = enqueue(app, n=2)
    runner = app.test_cli_runner()
    kept = runner.invoke(args=["jobs", "purge", "--older-than", "1"])
    assert kept.exit_code == 0 and "Deleted 0 done job(s)" in kept.output
    out = runner.invoke(args=["jobs", "purge", "--older-than", "0"])
    assert out.exit_code == 0 and "Deleted 1 done job(s)" in out.output
    assert get_job(app, done) is None and get_job(app, dead).status == JobStatus.DEAD
    out = runner.invoke(args=["jobs", "purge", "--older-than", "0", "--dead"])
    assert out.exit_code == 0 and "Deleted 1 done or dead job(s)" in out.output
    assert get_job(app, dead) is None and get_job(app, waiting).status == JobStatus.QUEUED
    assert runner.invoke(args=["jobs", "purge", "--older-than", "-1"]).exit_code == 2


def test_queuing_the_same_work_again_brings_its_dead_letter_back(make_app):
    app = make_app(JOB_MAX_ATTEMPTS=1)
    with app.app_context():
        queue.enqueue_once(db.session, "test_q_broken", {"n": 1}, dedupe_key="k")
        db.session.commit()
    run_worker(app, burst=True)
    with app.app_context():
        again = queue.enqueue_once(db.session, "test_q_broken", {"n": 2}, dedupe_key="k")
        db.session.commit()
        assert db.session.scalar(select(func.count(Job.id))) == 1
        assert (again.status, again.attempts, again.payload) == (JobStatus.QUEUED, 0, {"n": 2})


def test_the_admin_page_shows_the_queue_and_retries_a_dead_letter(make_app):
    app = make_app(JOB_MAX_ATTEMPTS=1)
    dead = enqueue(app, "test_q_broken")
    run_worker(app, burst=True, worker_id="desk-1:42")
    enqueue(app, n=5)
    client = app.test_client()
    sign_in(client, make_user(app, "translator", ["ja"]))
    assert client.get("/admin/jobs/").status_code == 403
    client = app.test_client()
    sign_in(client, make_user(app, "admin"))
    page = client.get("/admin/jobs/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "RuntimeError: always broken" in html and f"#{dead}" in html
    assert "desk-1:42" in html and "Stopped" in html
    assert 'class="job-depth-queued"' in html and 'class="job-depth-dead"' in html
    # Without the form's token the retry is refused (CSRF), and nothing changes.
    assert client.post(f"/admin/jobs/{dead}/retry").status_code == 400
    assert get_job(app, dead).status == JobStatus.DEAD
    resp = client.post(
        f"/admin/jobs/{dead}/retry", data={"csrf_token": csrf_token(html)}, follow_redirects=True
    )
    assert resp.status_code == 200 and f"Job {dead} is queued again." in resp.get_data(True)
    assert get_job(app, dead).status == JobStatus.QUEUED
    twice = client.post(
        f"/admin/jobs/{dead}/retry", data={"csrf_token": csrf_token(html)}, follow_redirects=True
    )
    assert "only a dead-lettered job can be retried" in twice.get_data(True)
    assert (
        client.post("/admin/jobs/99999/retry", data={"csrf_token": csrf_token(html)}).status_code
        == 302
    )
    ja = client.get("/admin/jobs/", headers={"Accept-Language": "ja"})
    assert ja.status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.retry"))
        assert [(e.object_id, e.detail["via"]) for e in events] == [(dead, "admin")]


# Idempotent application


def test_machine_drafts_applied_twice_change_each_segment_once(app, client, created):
    tr_id = created["translations"]["ja"]["id"]
    with app.app_context():
        work = workflow.pending_work(db.session, tr_id)
        db.session.commit()
        n = len(work.segments)
        assert n > 3
        texts = [f"訳 {i}" for i in range(n)]
        first = workflow.apply_machine_drafts(db.session, work, texts, "argos", "0.1")
        db.session.commit()
        again = workflow.apply_machine_drafts(db.session, work, texts, "argos", "0.1")
        db.session.commit()
        assert (first, again) == ((n, 0), (0, n))
        versions = db.session.scalars(select(SegmentTranslation.version)).all()
        assert set(versions) == {2}
        machine = db.session.scalars(
            select(SegmentChange.segment_translation_id).where(
                SegmentChange.kind == ChangeKind.MACHINE
            )
        ).all()
        assert Counter(machine) == Counter({seg.id: 1 for seg in work.segments})
        audits = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "segment.machine_draft")
        )
        assert audits == 1


def _state(app):
    """Every segment's text and version, the history and the audit trail, as they stand."""
    with app.app_context():
        return (
            db.session.execute(
                select(
                    SegmentTranslation.id, SegmentTranslation.text, SegmentTranslation.version
                ).order_by(SegmentTranslation.id)
            ).all(),
            db.session.scalar(select(func.count(SegmentChange.id))),
            db.session.scalar(select(func.count(AuditEvent.id))),
        )


def test_a_job_delivered_again_after_it_was_done_changes_nothing(app, client, created):
    assert run_worker(app, burst=True) == 1
    before = _state(app)
    with app.app_context():
        (job_id,) = db.session.scalars(select(Job.id)).all()
        # As if the worker crashed after its commit and the job came round once more.
        db.session.execute(
            update(Job).where(Job.id == job_id).values(status=JobStatus.QUEUED, locked_by=None)
        )
        db.session.commit()
    assert run_worker(app, burst=True) == 1
    assert _state(app) == before
    assert get_job(app, job_id).status == JobStatus.DONE


def test_a_worker_that_lost_its_job_applies_nothing_when_it_finally_finishes(app, client, created):
    tr_id = created["translations"]["ja"]["id"]
    with app.app_context():
        stale_id = queue.claim(db.session, "stalled", lease_seconds=-1).id
        work = workflow.pending_work(db.session, tr_id)  # read before the engine ran...
        db.session.commit()
    with app.app_context():
        assert run_one(app, "healthy") is True  # ...meanwhile the lease lapsed: taken over
    after_takeover = _state(app)
    with app.app_context():
        texts = ["遅すぎた訳"] * len(work.segments)
        assert workflow.apply_machine_drafts(db.session, work, texts, "argos", "0.1") == (
            0,
            len(work.segments),
        )
        assert queue.finish(db.session, db.session.get(Job, stale_id), "stalled") is False
        db.session.rollback()
    assert _state(app) == after_takeover


# Wake-up


def test_workers_wake_on_notify_with_postgresql_else_they_poll(app, backend):
    with app.app_context():
        waiter = _waiter(app)
    try:
        assert waiter.how == ("LISTEN/NOTIFY" if backend == "postgresql" else "polling")
        if backend != "postgresql":
            return
        woke = threading.Event()

        def wait() -> None:
            waiter.wait(120, threading.Event())  # far longer than the join below
            woke.set()

        waiting = threading.Thread(target=wait)
        waiting.start()
        time.sleep(0.2)  # let it LISTEN before the commit (a notification is not kept)
        with app.app_context():
            queue.enqueue(db.session, "test_q_noop", {"n": 1})
            db.session.rollback()  # a rolled-back job announces nothing
        assert not woke.wait(0.5)
        enqueue(app, n=2)
        waiting.join(timeout=30)
        assert woke.is_set(), "the commit's NOTIFY did not wake the worker"
    finally:
        waiter.close()


# Stopping a worker in the middle of a job


def _converts_the_interruption(session, payload, app):
    """Like a C extension being imported when the stop comes: it turns the stop into its error."""
    os.kill(os.getpid(), signal.SIGTERM)  # the grace period is 0: the stop comes at once
    try:
        time.sleep(30)
    except BaseException as exc:  # noqa: BLE001 - what ctranslate2's import does
        raise ImportError("initialization failed") from exc


register(JobHandler(kind="test_q_converts_stop", run=_converts_the_interruption))


def test_a_job_interrupted_by_a_stop_is_released_whatever_it_raises(make_app, backend):
    app = make_app(WORKER_STOP_GRACE_SECONDS=0, JOB_LEASE_SECONDS=60)
    job_id = enqueue(app, "test_q_converts_stop")
    assert serve(app, burst=True, worker_id="stopping") == 0
    job = get_job(app, job_id)
    # Handed back at once and not counted as a failed attempt (before: 1 attempt, "ImportError").
    assert (job.status, job.attempts, job.locked_by, job.last_error) == (
        JobStatus.QUEUED,
        0,
        None,
        None,
    )


def _stop_while_claiming(app) -> int:
    """Called inside the claim, before any job is held: the stop comes in that gap."""
    os.kill(os.getpid(), signal.SIGTERM)
    return 1


register(
    JobHandler(
        kind="test_q_stop_at_claim",
        run=_slow,
        run_batch=lambda session, payloads, app: [lambda s: None for _ in payloads],
        batch_size=_stop_while_claiming,
    )
)


def test_a_stop_that_comes_between_the_claim_and_the_job_still_releases_it(make_app):
    app = make_app(WORKER_STOP_GRACE_SECONDS=0, JOB_LEASE_SECONDS=60)
    job_id = enqueue(app, "test_q_stop_at_claim")
    assert serve(app, burst=True, worker_id="stopping") == 0
    job = get_job(app, job_id)
    # Before: no job was held when the signal came, so no grace period started and the job
    # ran to its end (here: until the slow job's gate timed out, a failed attempt).
    assert (job.status, job.attempts, job.locked_by, job.last_error) == (
        JobStatus.QUEUED,
        0,
        None,
        None,
    )
