"""Workers by capability (issue 20, item 5): `flask worker --kinds` takes only those kinds of job;
each worker records on its row what it takes and, for machine translation, the pairs in its model
folder with its device and compute type; the web offers machine drafts from what live workers
can do, not from its own folder; a dead worker's capability does not count.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.factories import make_user, sign_in, staff_headers, summary_payload
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs import queue, registry
from webapp.jobs.models import Job, JobStatus, Worker
from webapp.jobs.worker import StopSwitch, run_worker
from webapp.translation import workflow

pytestmark = pytest.mark.backends("sqlite", "postgresql")

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # generous: only a hung worker gets near it
UNAVAILABLE = "No running worker can translate en → ja."


def poll(check, what: str):
    """Ask `check` until it answers something truthy; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def new_summary(app) -> dict:
    resp = app.test_client().post(
        "/api/v1/summaries", json=summary_payload(), headers=staff_headers(app, "liaison")
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def worker_row(app, name: str) -> Worker | None:
    with app.app_context():
        row = db.session.scalar(select(Worker).where(Worker.name == name))
        db.session.expunge_all()
        db.session.remove()
        return row


def job_states(app) -> dict[str, JobStatus]:
    with app.app_context():
        rows = db.session.execute(select(Job.kind, Job.status)).all()
        db.session.remove()
        return dict(rows)


def test_a_worker_takes_only_its_kinds_and_records_them(app):
    new_summary(app)  # its Japanese translation waits as a machine_translate job
    mail_only = registry.select_kinds(["notify_mail"])
    assert run_worker(app, burst=True, worker_id="mailer", kinds=mail_only) == 0
    assert job_states(app) == {workflow.MT_JOB: JobStatus.QUEUED}
    mailer = worker_row(app, "mailer")
    assert mailer is not None and mailer.kinds == ["notify_mail"]
    assert mailer.pairs is None and mailer.device is None  # takes no translation work

    # "machine_translate" names both machine-translation kinds (the one-segment redo too).
    mt = registry.select_kinds(["machine_translate"])
    assert mt == [workflow.MT_JOB, workflow.MT_SEGMENT_JOB]
    assert run_worker(app, burst=True, worker_id="gpu-1", kinds=mt) == 1
    assert job_states(app) == {workflow.MT_JOB: JobStatus.DONE}
    gpu = worker_row(app, "gpu-1")
    assert gpu is not None and gpu.kinds == mt
    assert {"en-ja", "ja-en"} <= set(gpu.pairs or ())
    assert (gpu.device, gpu.compute_type) == ("cpu", "int8")

    # The admin page shows each worker's kinds, pairs, device and compute type.
    client = app.test_client()
    sign_in(client, make_user(app, "admin"))
    html = client.get("/admin/jobs/").get_data(as_text=True)
    assert "<code>notify_mail</code>" in html
    assert "<code>machine_translate</code> <code>machine_translate_segment</code>" in html
    assert "en → ja" in html and "cpu, int8" in html

    # The model page names the live workers holding each pair (the row as a running worker's
    # heartbeat leaves it: seen now, not stopped); the mail-only worker holds none.
    with app.app_context():
        db.session.execute(
            update(Worker)
            .where(Worker.name.in_(["gpu-1", "mailer"]))
            .values(stopped_at=None, last_seen_at=utcnow())
        )
        db.session.commit()
    models = client.get("/admin/models/").get_data(as_text=True)
    assert models.count("Held by the live workers: gpu-1.") == 2  # en→ja and ja→en
    assert "mailer" not in models


def test_the_cli_refuses_unknown_kinds_with_the_known_ones(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["worker", "--burst", "--kinds", "machine_translate,mial"])
    assert result.exit_code == 2
    assert "Unknown job kind(s): mial." in result.output
    assert "machine_translate" in result.output and "notify_mail" in result.output
    empty = runner.invoke(args=["worker", "--burst", "--kinds", " , "])
    assert empty.exit_code == 2 and "at least one kind" in empty.output
    with app.app_context():
        assert db.session.scalar(select(Worker.id)) is None  # no worker ever started

    # Repeated or comma-separated, the option takes the same kinds.
    new_summary(app)
    result = runner.invoke(
        args=["worker", "--burst", "--name", "m", "--kinds", "notify_mail,webhook_delivery"]
    )
    assert result.exit_code == 0, result.output
    assert "Handled 0 job(s)." in result.output
    result = runner.invoke(
        args=[
            "worker",
            "--burst",
            "--name",
            "m",
            "--kinds",
            "notify_mail",
            "--kinds",
            "machine_translate",
        ]
    )
    assert result.exit_code == 0 and "Handled 1 job(s)." in result.output
    row = worker_row(app, "m")
    assert row is not None and "notify_mail" in (row.kinds or [])
    assert workflow.MT_JOB in (row.kinds or [])


def review_page(client, tr_id: int) -> str:
    page = client.get(f"/review/translations/{tr_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def machine_button(html: str) -> str:
    """The first segment's "New machine draft" button tag."""
    start = html.index("data-machine formaction=")
    return html[html.rindex("<button", 0, start) : html.index(">", start)]


def start_worker(app, tmp_path: Path, models: Path, *args: str) -> subprocess.Popen:
    """`flask worker ARGS` in its own process, on this test's database, with its own models."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "KAKEHASHI_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ARGOS_PACKAGES_DIR": str(models),
        "SECRET_KEY": "test-secret",
        "WORKER_POLL_SECONDS": "0.05",
        "JOB_HEARTBEAT_SECONDS": "0.2",
    }
    log = (tmp_path / "worker.log").open("wb")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()


def test_a_web_host_without_models_offers_drafts_while_a_live_worker_has_the_pair(
    make_app, argos_packages_dir, tmp_path
):
    empty = tmp_path / "web-has-no-models"
    empty.mkdir()
    app = make_app(ARGOS_PACKAGES_DIR=str(empty))
    created = new_summary(app)
    tr_id = created["translations"]["ja"]["id"]
    client = app.test_client()
    sign_in(client, make_user(app, "translator", ["ja"]))

    # No live worker can translate, and this host's folder is empty: refused, with the reason.
    html = review_page(client, tr_id)
    assert "disabled" in machine_button(html) and UNAVAILABLE in html
    assert client.get("/readyz").json["mt_pairs"] == []

    worker = start_worker(
        app, tmp_path, argos_packages_dir, "--kinds", "machine_translate", "--name", "gpu-1"
    )
    try:
        poll(lambda: (row := worker_row(app, "gpu-1")) and row.pairs, "the worker's pairs")
        html = review_page(client, tr_id)
        assert "disabled" not in machine_button(html) and UNAVAILABLE not in html
        ready = client.get("/readyz").json
        assert {"en-ja", "ja-en"} <= set(ready["mt_pairs"]) and ready["mt_workers"] == 1
        # The worker drafts the translation from its own folder.
        poll(lambda: job_states(app).get(workflow.MT_JOB) == JobStatus.DONE, "the draft")

        # Killed: its row still says en-ja, but once it is not heard from (the clock moved past
        # the liveness rule), its capability no longer counts.
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=TIMEOUT)
        html = review_page(client, tr_id)
        assert "disabled" not in machine_button(html)  # last seen a moment ago: still alive
        with app.app_context():
            db.session.execute(
                update(Worker).values(
                    last_seen_at=utcnow() - queue.WORKER_GONE_AFTER - timedelta(seconds=1)
                )
            )
            db.session.commit()
        html = review_page(client, tr_id)
        assert "disabled" in machine_button(html) and UNAVAILABLE in html
        assert client.get("/readyz").json["mt_pairs"] == []
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_a_live_worker_that_does_not_take_translation_offers_nothing(
    make_app, argos_packages_dir, tmp_path
):
    """A mail worker with models in its folder is no translator; and with the fallback set to
    "always", the web host's own folder decides when no worker can."""
    empty = tmp_path / "web-has-no-models"
    empty.mkdir()
    app = make_app(ARGOS_PACKAGES_DIR=str(empty))
    worker_app = make_app(ARGOS_PACKAGES_DIR=str(argos_packages_dir))
    tr_id = new_summary(app)["translations"]["ja"]["id"]
    switch = StopSwitch()
    kinds = registry.select_kinds(["notify_mail"])
    thread = threading.Thread(
        target=run_worker,
        args=(worker_app,),
        kwargs={"worker_id": "mailer", "switch": switch, "kinds": kinds},
    )
    thread.start()
    try:
        poll(lambda: worker_row(app, "mailer"), "the mail worker's row")
        client = app.test_client()
        sign_in(client, make_user(app, "translator", ["ja"]))
        html = review_page(client, tr_id)
        assert "disabled" in machine_button(html) and UNAVAILABLE in html
        assert job_states(app) == {workflow.MT_JOB: JobStatus.QUEUED}  # it waits for a translator
    finally:
        switch.requested.set()
        thread.join(timeout=TIMEOUT)

    # "always": this host's folder is asked when no worker can; "never": only workers count.
    for setting, offered in (("always", True), ("never", False)):
        web = make_app(ARGOS_PACKAGES_DIR=str(argos_packages_dir), MT_FOLDER_FALLBACK=setting)
        client = web.test_client()
        sign_in(client, make_user(web, "translator", ["ja"], email=f"{setting}@example.org"))
        html = review_page(client, tr_id)
        assert ("disabled" not in machine_button(html)) is offered


def test_the_heartbeat_records_a_model_installed_while_the_worker_runs(
    make_app, argos_packages_dir, tmp_path
):
    folder, empty = tmp_path / "worker-models", tmp_path / "web-has-no-models"
    folder.mkdir()
    empty.mkdir()
    web = make_app(ARGOS_PACKAGES_DIR=str(empty), MT_FOLDER_FALLBACK="never")
    worker_app = make_app(ARGOS_PACKAGES_DIR=str(folder), JOB_HEARTBEAT_SECONDS=0.05)
    switch = StopSwitch()
    thread = threading.Thread(
        target=run_worker, args=(worker_app,), kwargs={"worker_id": "w", "switch": switch}
    )
    thread.start()
    try:
        row = poll(lambda: worker_row(web, "w"), "the worker's row")
        assert row.pairs == [] and row.device == "cpu"
        assert set(registry.kinds()) <= set(row.kinds or ())  # by default: every kind
        assert web.test_client().get("/readyz").json["mt_pairs"] == []
        for package in argos_packages_dir.iterdir():
            shutil.copytree(package, folder / package.name)
        # Polled until both are there: a heartbeat may fall between the two copies.
        both = {"en-ja", "ja-en"}
        row = poll(lambda: (r := worker_row(web, "w")) and both <= set(r.pairs or ()) and r, "both")
        assert both <= set(row.pairs)
        assert {"en-ja", "ja-en"} <= set(web.test_client().get("/readyz").json["mt_pairs"])
    finally:
        switch.requested.set()
        thread.join(timeout=TIMEOUT)
    # Stopped: its capability no longer counts.
    assert web.test_client().get("/readyz").json["mt_pairs"] == []
