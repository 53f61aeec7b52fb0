"""Evaluation of models on the office's approved segments (`flask mt evaluate`, the model page,
`mt install --if-better`): real tiny packages, real approvals, real figures."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.argos_builder import build_tiny_package, rewrite_package
from tests.conftest import csrf_token
from tests.factories import (
    PASSWORD,
    approve_segments,
    make_user,
    staff_headers,
    summary_payload,
)
from webapp.extensions import db
from webapp.jobs.models import Job
from webapp.jobs.worker import run_worker
from webapp.mt import candidates, evaluation
from webapp.mt.models import Candidate, Evaluation
from webapp.mt.packages import install_package, list_packages

pytestmark = pytest.mark.backends("sqlite", "postgresql")

ADMIN = "admin@example.org"


def _relabel(archive: Path, out: Path, version: str) -> Path:
    """The same package (same weights) under another version."""
    with zipfile.ZipFile(archive) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("/metadata.json")]
        metadata = {**json.loads(zf.read(name)), "package_version": version}
    return rewrite_package(archive, out, {"metadata.json": json.dumps(metadata).encode()})


@pytest.fixture
def other(tmp_path_factory) -> Path:
    """A tiny en->ja package with other weights (seed 1): it drafts differently."""
    return build_tiny_package(tmp_path_factory.mktemp("seed1"), "en", "ja", seed=1)


@pytest.fixture
def eval_app(make_app, tmp_path):
    return make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "models"), MT_PACKAGE_MAX_MB=2)


def _approved_office(app, archive: Path) -> None:
    """Install `archive`, draft two summaries with it and have a translator approve them."""
    install_package(archive, Path(app.config["ARGOS_PACKAGES_DIR"]))
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator")
    api = app.test_client()
    ids = []
    for title in ("Hegseth hosts Koizumi at the Pentagon", "Defense ministers meet in Tokyo"):
        created = api.post(
            "/api/v1/summaries", json=summary_payload("en", title=title), headers=liaison
        ).json
        ids.append(created["translations"]["ja"]["id"])
    run_worker(app, burst=True)
    for tr_id in ids:
        approve_segments(api, translator, tr_id)


def _evaluations(app) -> list[Evaluation]:
    with app.app_context():
        return list(db.session.scalars(select(Evaluation).order_by(Evaluation.id)))


def test_sample_is_fixed_by_hash_and_size():
    ids = list(range(1, 500))
    first = evaluation.sample_ids(ids, 50)
    assert first == evaluation.sample_ids(list(reversed(ids)), 50)  # order-independent
    assert len(first) == 50 and first != ids[:50]
    # a newly approved segment enters only by its hash: the rest of the sample stays
    grown = evaluation.sample_ids([*ids, 10_000], 50)
    assert len(set(first) & set(grown)) >= 49


def test_identical_candidate_scores_the_same_and_a_different_one_differs(
    eval_app, argos_archives, other, tmp_path
):
    installed = argos_archives["en", "ja"]
    _approved_office(eval_app, installed)
    runner = eval_app.test_cli_runner()

    same = runner.invoke(
        args=["mt", "evaluate", "--pair", "en-ja", "--package", str(installed), "--sample", "10"]
    )
    assert same.exit_code == 0, same.output
    assert "chrF++" in same.output and "BLEU (char)" in same.output
    differs = runner.invoke(args=["mt", "evaluate", "--package", str(other)])
    assert differs.exit_code == 0, differs.output

    first, second = _evaluations(eval_app)
    assert first.sample_size == 10 and second.sample_size > 10  # all of them: under 200
    systems = first.metrics["systems"]
    assert systems["installed"] == systems["candidate"]
    for figure in ("chrf", "bleu", "exact", "edit"):
        assert first.metrics["difference"][figure] == {"value": 0, "low": 0, "high": 0}
    assert first.installed_model == first.candidate_model == "translate-en_ja 0.1"
    assert first.installed_sha256 == first.candidate_sha256
    # the references are the installed model's own approved drafts: it matches them
    assert second.metrics["systems"]["installed"]["exact"] > 0.5
    assert second.metrics["machine_drafted"] > 0
    worse = second.metrics["difference"]["chrf"]
    assert worse["value"] < 0 and worse["low"] <= worse["value"] <= worse["high"] < 0
    assert second.metrics["difference"]["edit"]["value"] > 0
    assert not evaluation.not_worse(second) and evaluation.not_worse(first)
    # nothing of the candidate was installed
    assert [p.version for p in list_packages(Path(eval_app.config["ARGOS_PACKAGES_DIR"]))] == [
        "0.1"
    ]
    # the same sample gives the same figures on a second run
    again = runner.invoke(args=["mt", "evaluate", "--package", str(other)])
    assert again.exit_code == 0
    assert _evaluations(eval_app)[-1].metrics == second.metrics


def test_installed_model_alone(eval_app, argos_archives):
    _approved_office(eval_app, argos_archives["en", "ja"])
    out = eval_app.test_cli_runner().invoke(args=["mt", "evaluate", "--pair", "en-ja"])
    assert out.exit_code == 0, out.output
    (row,) = _evaluations(eval_app)
    assert row.candidate_model is None and "difference" not in row.metrics
    assert set(row.metrics["systems"]) == {"installed"}


def test_if_better_refuses_a_worse_package_and_installs_a_better_one(
    eval_app, argos_archives, other, tmp_path
):
    seed0 = argos_archives["en", "ja"]
    _approved_office(eval_app, seed0)  # approved texts come from the seed-0 model
    models = Path(eval_app.config["ARGOS_PACKAGES_DIR"])
    install_package(_relabel(other, tmp_path / "o2.argosmodel", "0.2"), models)
    runner = eval_app.test_cli_runner()

    better = _relabel(seed0, tmp_path / "s3.argosmodel", "0.3")
    out = runner.invoke(args=["mt", "install", str(better), "--if-better", "--sample", "40"])
    assert out.exit_code == 0, out.output
    assert [p.version for p in list_packages(models)] == ["0.2", "0.3"]
    row = _evaluations(eval_app)[-1]
    assert row.metrics["difference"]["chrf"]["low"] > 0

    worse = _relabel(other, tmp_path / "o4.argosmodel", "0.4")
    out = runner.invoke(args=["mt", "install", str(worse), "--if-better"])
    assert out.exit_code == 1
    assert "worse than the installed model" in out.output
    assert [p.version for p in list_packages(models)] == ["0.2", "0.3"]  # nothing changed


def test_bad_input_answers_clearly(eval_app, argos_archives, tmp_path):
    runner = eval_app.test_cli_runner()
    install_package(argos_archives["en", "ja"], Path(eval_app.config["ARGOS_PACKAGES_DIR"]))

    none = runner.invoke(args=["mt", "evaluate", "--pair", "en-ja"])
    assert none.exit_code == 1 and "approved by a translator" in none.output
    assert none.exception is None or isinstance(none.exception, SystemExit)

    unknown = runner.invoke(args=["mt", "evaluate", "--pair", "en-xx"])
    assert unknown.exit_code == 1 and "unknown language xx" in unknown.output

    _approved_office(eval_app, argos_archives["en", "ja"])
    corrupt = tmp_path / "corrupt.argosmodel"
    corrupt.write_bytes(b"PK\x03\x04 not really")
    out = runner.invoke(args=["mt", "evaluate", "--pair", "en-ja", "--package", str(corrupt)])
    assert out.exit_code == 2 and "not a zip archive" in out.output
    broken = rewrite_package(
        argos_archives["en", "ja"], tmp_path / "broken.argosmodel", {"model/model.bin": b"\0"}
    )
    out = runner.invoke(args=["mt", "evaluate", "--package", str(broken)])
    assert out.exit_code == 2 and "model check" in out.output
    wrong_pair = runner.invoke(
        args=["mt", "evaluate", "--pair", "en-ja", "--package", str(argos_archives["ja", "en"])]
    )
    assert wrong_pair.exit_code == 2 and "not en → ja" in wrong_pair.output
    missing = runner.invoke(args=["mt", "evaluate", "--package", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert _evaluations(eval_app) == []


# The model page: the evaluation runs as a job, and the page shows it when done.


def _sign_in(app, email: str):
    client = app.test_client()
    login = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token(login.get_data(as_text=True)),
        },
    )
    assert resp.status_code == 302
    return client


def _post_candidate(client, data: bytes, name: str, sample: str = "200"):
    token = csrf_token(client.get("/admin/models/").get_data(as_text=True))
    file = FileStorage(io.BytesIO(data), name)
    boundary, body = encode_multipart({"csrf_token": token, "candidate": file, "sample": sample})
    return client.post(
        "/admin/models/evaluate",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_the_page_queues_an_evaluation_and_shows_its_figures(eval_app, argos_archives, other):
    _approved_office(eval_app, argos_archives["en", "ja"])
    make_user(eval_app, "admin", email=ADMIN)
    admin = _sign_in(eval_app, ADMIN)

    resp = _post_candidate(admin, other.read_bytes(), "seed1.argosmodel")
    assert resp.status_code == 303
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "seed1.argosmodel (en → ja): waiting for a worker" in page
    assert "No evaluation yet." in page
    assert _evaluations(eval_app) == []  # the page answered at once

    token = csrf_token(page)
    resp = admin.post("/admin/models/en/ja/evaluate", data={"csrf_token": token})
    assert resp.status_code == 303
    run_worker(eval_app, burst=True)

    candidate, alone = _evaluations(eval_app)
    assert candidate.requested_by == ADMIN and candidate.candidate_model == "translate-en_ja 0.1"
    assert candidate.metrics["candidate_file"] == "seed1.argosmodel"
    assert alone.candidate_model is None
    with eval_app.app_context():
        assert candidates.count(db.session) == 0  # the upload is gone once evaluated
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "waiting for a worker" not in page
    assert f'data-evaluation="{candidate.id}"' in page and f'data-evaluation="{alone.id}"' in page
    chrf = candidate.metrics["difference"]["chrf"]
    assert f"{chrf['value']:+.2f} [{chrf['low']:+.2f}, {chrf['high']:+.2f}]" in page
    assert "BLEU tokenisation: char" in page
    assert "The candidate is worse than the installed model (chrF++)." in page
    installed = candidate.metrics["systems"]["installed"]["chrf"]
    assert f"{installed:,.2f}" in page


def test_the_page_refuses_a_bad_candidate_beside_the_field(eval_app):
    make_user(eval_app, "admin", email=ADMIN)
    admin = _sign_in(eval_app, ADMIN)
    resp = _post_candidate(admin, b"not a zip", "evil.argosmodel")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Not evaluated:" in html and "evil.argosmodel" in html
    resp = _post_candidate(admin, b"", "")
    assert resp.status_code == 422
    assert "Choose an .argosmodel file to evaluate." in resp.get_data(as_text=True)
    with eval_app.app_context():
        assert db.session.scalars(select(Job).where(Job.kind == "mt_evaluate")).all() == []


def test_a_failed_evaluation_job_shows_its_reason(eval_app, argos_archives):
    install_package(argos_archives["en", "ja"], Path(eval_app.config["ARGOS_PACKAGES_DIR"]))
    make_user(eval_app, "admin", email=ADMIN)
    admin = _sign_in(eval_app, ADMIN)
    token = csrf_token(admin.get("/admin/models/").get_data(as_text=True))
    assert admin.post("/admin/models/en/ja/evaluate", data={"csrf_token": token}).status_code == 303
    run_worker(eval_app, burst=True)
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "failed: no segment of en → ja has been approved" in page


def test_a_worker_on_another_host_reads_the_candidate_from_the_database(
    eval_app, make_app, tmp_path, argos_archives, other
):
    """The web host keeps the upload nowhere on disk: a worker with its own folders evaluates it."""
    _approved_office(eval_app, argos_archives["en", "ja"])
    make_user(eval_app, "admin", email=ADMIN)
    admin = _sign_in(eval_app, ADMIN)
    assert _post_candidate(admin, other.read_bytes(), "seed1.argosmodel").status_code == 303
    web_instance = Path(eval_app.config["ARGOS_PACKAGES_DIR"]).parent
    assert not (web_instance / "mt-candidates").exists()
    with eval_app.app_context():
        assert candidates.count(db.session) == 1

    elsewhere = tmp_path / "elsewhere"
    install_package(argos_archives["en", "ja"], elsewhere / "models")
    worker = make_app(ARGOS_PACKAGES_DIR=str(elsewhere / "models"), MT_PACKAGE_MAX_MB=2)
    run_worker(worker, burst=True)

    (done,) = _evaluations(eval_app)
    assert done.candidate_model == "translate-en_ja 0.1"
    assert done.metrics["candidate_file"] == "seed1.argosmodel"
    with eval_app.app_context():
        assert candidates.count(db.session) == 0


def test_a_given_up_evaluation_deletes_its_candidate(eval_app, argos_archives, other):
    """No approved segment: the evaluation is given up at once, and the upload goes with it."""
    install_package(argos_archives["en", "ja"], Path(eval_app.config["ARGOS_PACKAGES_DIR"]))
    make_user(eval_app, "admin", email=ADMIN)
    admin = _sign_in(eval_app, ADMIN)
    assert _post_candidate(admin, other.read_bytes(), "seed1.argosmodel").status_code == 303
    run_worker(eval_app, burst=True)
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "failed: no segment of en → ja has been approved" in page
    with eval_app.app_context():
        assert candidates.count(db.session) == 0


def test_a_candidate_whose_job_is_gone_is_swept_by_the_next_upload(eval_app, argos_archives, other):
    install_package(argos_archives["en", "ja"], Path(eval_app.config["ARGOS_PACKAGES_DIR"]))
    make_user(eval_app, "admin", email=ADMIN)
    admin = _sign_in(eval_app, ADMIN)
    assert _post_candidate(admin, other.read_bytes(), "first.argosmodel").status_code == 303
    with eval_app.app_context():  # the job vanished (purged, deleted by hand, ...)
        db.session.execute(delete(Job).where(Job.kind == "mt_evaluate"))
        db.session.commit()
        assert candidates.count(db.session) == 1
    assert _post_candidate(admin, other.read_bytes(), "second.argosmodel").status_code == 303
    with eval_app.app_context():
        (left,) = db.session.scalars(select(Candidate)).all()
        assert left.name == "second.argosmodel" and left.job_id is not None
