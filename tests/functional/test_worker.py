"""The queue and the worker on a real database with the real Argos engine."""

from __future__ import annotations

import shutil
import socket
import threading

import pytest
from sqlalchemy import func, select

from tests.factories import REASON, staff_headers, summary_payload
from webapp.extensions import db
from webapp.jobs import queue as jobs
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_one, run_worker
from webapp.translation.models import SegmentTranslation, Translation


def create_summaries(app, client, n: int, **overrides) -> list[dict]:
    headers = staff_headers(app, "liaison")
    made = []
    for i in range(n):
        resp = client.post(
            "/api/v1/summaries",
            json=summary_payload(title=f"Meeting number {i}", **overrides),
            headers=headers,
        )
        assert resp.status_code == 201, resp.json
        made.append(resp.json)
    return made


@pytest.mark.backends("sqlite", "postgresql")
def test_two_workers_in_parallel_never_run_a_job_twice(app, client):
    create_summaries(app, client, 8)
    handled: list[int] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            handled.append(run_worker(app, burst=True, worker_id=name))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(handled) == 8
    with app.app_context():
        rows = db.session.scalars(select(Job)).all()
        assert {j.status for j in rows} == {JobStatus.DONE}
        assert {j.attempts for j in rows} == {1}
        # Each segment was created at version 1 and machine-translated exactly once.
        versions = db.session.scalars(select(SegmentTranslation.version)).all()
        assert set(versions) == {2}
        statuses = db.session.scalars(select(Translation.status)).all()
        assert set(statuses) == {"in_review"}


def test_a_job_whose_worker_died_is_retried_and_the_dead_worker_cannot_finish_it(app, client):
    create_summaries(app, client, 1)
    with app.app_context():
        dead = jobs.claim(db.session, "dead-worker", lease_seconds=-1)  # lease already over
        assert dead is not None and dead.status == JobStatus.RUNNING
        db.session.commit()
        assert run_one(app, "healthy-worker") is True
        job = db.session.get(Job, dead.id, populate_existing=True)
        assert job.status == JobStatus.DONE and job.attempts == 2
        assert jobs.finish(db.session, job, "dead-worker") is False
        db.session.rollback()
        assert db.session.scalar(select(func.count(Job.id))) == 1


def test_missing_model_fails_the_job_with_the_fix_and_a_translator_can_still_finish(
    make_app, tmp_path
):
    app = make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "no-models"))
    client = app.test_client()
    created = create_summaries(app, client, 1)[0]
    assert run_worker(app, burst=True) == 1
    translator = staff_headers(app, "translator", ["ja"])
    tr_id = created["translations"]["ja"]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    assert tr["status"] == "failed"
    assert "en → ja" in tr["error"] and "flask --app wsgi mt install" in tr["error"]
    assert tr["error_code"] == "missing_model"
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert job.status == JobStatus.DEAD and job.attempts == 1  # no pointless retries
        assert "en → ja" in job.last_error
    for seg in tr["segments"]:
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"手訳 {seg['key']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
        assert resp.status_code == 200 and resp.json["origin"] == "human"
    assert (
        client.post(f"/api/v1/translations/{tr_id}/approve", headers=translator).status_code == 200
    )


def test_a_job_that_raises_is_retried_with_backoff_then_failed_with_its_error(
    make_app, argos_packages_dir, tmp_path
):
    broken = tmp_path / "broken-models"
    shutil.copytree(argos_packages_dir, broken)
    for model_bin in broken.glob("*en_ja*/model/model.bin"):
        model_bin.write_bytes(b"not a model")
    app = make_app(ARGOS_PACKAGES_DIR=str(broken), JOB_MAX_ATTEMPTS=2)
    created = create_summaries(app, app.test_client(), 1)[0]
    assert run_worker(app, burst=True) == 2  # JOB_MAX_ATTEMPTS, no backoff in tests
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert job.status == JobStatus.DEAD and job.attempts == 2
        assert job.last_error
        tr = db.session.get(Translation, created["translations"]["ja"]["id"])
        assert tr.status == "failed" and tr.error == job.last_error


def test_worker_and_translation_run_with_the_network_blocked(app, client, monkeypatch):
    created = create_summaries(app, client, 1)[0]

    def refuse(*args, **kwargs):
        raise OSError("network access attempted during translation")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from webapp.mt import argos

    argos.unload_models()  # load the model again, offline
    assert run_worker(app, burst=True) == 1
    with app.app_context():
        tr = db.session.get(Translation, created["translations"]["ja"]["id"])
        assert tr.status == "in_review"
        assert all(st.origin == "mt" and st.text for st in tr.segments)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        # A flipped weight loads and runs in CTranslate2: only the install record catches it.
        ("flip a weight", "model/model.bin changed since it was installed"),
        # With no install record to compare, the load itself fails on the one-byte file.
        ("one byte, no record", "model.bin is incomplete"),
    ],
)
def test_a_model_damaged_after_install_fails_its_job_with_a_reason_naming_it(
    make_app, argos_packages_dir, tmp_path, damage, reason
):
    from webapp.mt import argos
    from webapp.mt.records import INSTALL_RECORD

    packages = tmp_path / "models"
    shutil.copytree(argos_packages_dir, packages)
    (folder,) = packages.glob("translate-en_ja-*")
    model_bin = folder / "model" / "model.bin"
    if damage == "flip a weight":
        weights = bytearray(model_bin.read_bytes())
        weights[-100] ^= 0xFF
        model_bin.write_bytes(bytes(weights))
    else:
        model_bin.write_bytes(b"\0")
        (folder / INSTALL_RECORD).unlink()
    argos.unload_models()
    app = make_app(ARGOS_PACKAGES_DIR=str(packages), JOB_MAX_ATTEMPTS=2)
    created = create_summaries(app, app.test_client(), 1)[0]
    tr_id = created["translations"]["ja"]["id"]
    with app.app_context():
        before = [
            (st.id, st.text, st.version, st.origin)
            for st in db.session.get(Translation, tr_id).segments
        ]

    assert run_worker(app, burst=True) == 2  # retried once, then given up

    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert job.status == JobStatus.DEAD and job.attempts == 2
        assert "translate-en_ja 0.1" in job.last_error and reason in job.last_error
        assert "Traceback" not in job.last_error and "\n" not in job.last_error
        tr = db.session.get(Translation, tr_id)
        assert tr.status == "failed" and tr.error == job.last_error
        assert [(st.id, st.text, st.version, st.origin) for st in tr.segments] == before
