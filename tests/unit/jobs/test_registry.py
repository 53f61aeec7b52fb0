"""The worker runs whatever the registry holds, and lets the domain record a give-up."""

from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.registry import JobHandler, handler_for, kinds, register
from webapp.jobs.worker import run_worker

SEEN: list[dict] = []
GAVE_UP: list[tuple[dict, str]] = []


class Hopeless(Exception):
    """No retry can fix this."""


def _run(session, payload, app):
    SEEN.append(payload)
    if payload.get("fail") == "always":
        raise RuntimeError("flaky")
    if payload.get("fail") == "final":
        raise Hopeless("cannot be done")


def _give_up(session, payload, exc):
    GAVE_UP.append((payload, str(exc)))


register(
    JobHandler(
        kind="test_echo",
        run=_run,
        on_give_up=_give_up,
        expected_errors=(Hopeless,),
        final_errors=(Hopeless,),
    )
)


@pytest.fixture(autouse=True)
def _clear():
    SEEN.clear()
    GAVE_UP.clear()


def _enqueue(app, payload, kind="test_echo") -> int:
    with app.app_context():
        job = queue.enqueue(db.session, kind, payload)
        db.session.commit()
        return job.id


def _job(app, job_id) -> Job:
    with app.app_context():
        return db.session.get(Job, job_id)


def test_the_translation_handler_is_registered(app):
    assert "machine_translate" in kinds()
    assert handler_for("machine_translate").on_give_up is not None


def test_a_kind_registered_twice_is_a_bug():
    with pytest.raises(ValueError):
        register(JobHandler(kind="test_echo", run=lambda *a: None))


def test_a_job_runs_once_and_is_done(app):
    job_id = _enqueue(app, {"n": 1})
    assert run_worker(app, burst=True) == 1
    assert SEEN == [{"n": 1}] and _job(app, job_id).status == JobStatus.DONE


def test_retries_then_gives_up_and_tells_the_domain(make_app):
    app = make_app(JOB_MAX_ATTEMPTS=2)
    job_id = _enqueue(app, {"fail": "always"})
    assert run_worker(app, burst=True) == 2
    job = _job(app, job_id)
    assert job.status == JobStatus.DEAD and job.attempts == 2
    assert job.last_error == "RuntimeError: flaky"
    assert GAVE_UP == [({"fail": "always"}, "flaky")]


def test_a_final_error_gives_up_at_once_with_its_own_message(app):
    job_id = _enqueue(app, {"fail": "final"})
    assert run_worker(app, burst=True) == 1
    job = _job(app, job_id)
    assert job.status == JobStatus.DEAD and job.last_error == "cannot be done"
    assert len(GAVE_UP) == 1


def test_a_job_of_unknown_kind_fails_at_once_and_is_kept(app):
    job_id = _enqueue(app, {}, kind="no_such_kind")
    assert run_worker(app, burst=True) == 1
    job = _job(app, job_id)
    assert job.status == JobStatus.DEAD and "no_such_kind" in job.last_error
