"""`flask mt install | list | verify` on real packages: checked installs, sha256 pins, audit."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.argos_builder import build_tiny_package, rewrite_package
from webapp.audit.models import AuditEvent
from webapp.core.events import subscriber, unsubscribe
from webapp.extensions import db
from webapp.mt import argos
from webapp.mt.engines import engine_for
from webapp.mt.events import ModelInstalled

SENTENCES = ["The defence ministers met in Tokyo on Monday.", "A joint statement was issued."]
TOP = "translate-en_ja-0_1"


@pytest.fixture
def cli_app(make_app, tmp_path):
    """An app whose models folder starts empty."""
    return make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "models"))


def _install_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mt.install")))


def _translate(app) -> list[str]:
    """Translate through the engine the app uses, reloading the model from disk."""
    argos.unload_models()
    return engine_for(app).translate_batch(SENTENCES, "en", "ja")


def test_a_good_package_installs_pinned_listed_and_audited(cli_app, argos_archives):
    archive = argos_archives["en", "ja"]
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    runner = cli_app.test_cli_runner()
    heard: list[ModelInstalled] = []
    listen = subscriber(ModelInstalled)(lambda session, event: heard.append(event))

    try:
        out = runner.invoke(args=["mt", "install", "--pair", "en-ja", str(archive)])
    finally:
        unsubscribe(ModelInstalled, listen)

    assert out.exit_code == 0, out.output
    assert digest in out.output
    listed = runner.invoke(args=["mt", "list"]).output
    assert f"sha256:{digest[:12]}\t" in listed and digest not in listed
    assert f"sha256:{digest}\t" in runner.invoke(args=["mt", "list", "--full"]).output
    verified = runner.invoke(args=["mt", "verify"])
    assert verified.exit_code == 0 and f"ok\t{TOP}" in verified.output
    (event,) = _install_events(cli_app)
    assert (event.actor_id, event.object_type, event.object_id) == (None, "model", 0)
    assert event.detail["archive_sha256"] == digest
    assert (event.detail["from_code"], event.detail["to_code"]) == ("en", "ja")
    assert event.detail["version"] == "0.1"
    assert [(e.name, e.from_code, e.to_code, e.sha256) for e in heard] == [
        ("model.installed", "en", "ja", digest)
    ]
    assert all(_translate(cli_app))


def test_a_refused_package_exits_2_and_leaves_the_installed_one_working(
    cli_app, argos_archives, tmp_path
):
    runner = cli_app.test_cli_runner()
    good = argos_archives["en", "ja"]
    assert runner.invoke(args=["mt", "install", str(good)]).exit_code == 0
    listed, before = runner.invoke(args=["mt", "list"]).output, _translate(cli_app)
    broken = rewrite_package(good, tmp_path / "broken.argosmodel", {"model/model.bin": b"\0"})

    refusals = [
        runner.invoke(args=["mt", "install", str(broken)]),
        runner.invoke(args=["mt", "install", "--pair", "en-fr", str(good)]),
        runner.invoke(args=["mt", "install", "--pair", "enja", str(good)]),
    ]

    assert [out.exit_code for out in refusals] == [2, 2, 2]
    assert "model does not load" in refusals[0].output
    assert "not en → fr as expected" in refusals[1].output
    assert "FROM-TO" in refusals[2].output
    for out in refusals[:2]:
        (line,) = out.output.strip().splitlines()
        assert line.startswith("Error: ") and line.endswith("Nothing was changed.")
    assert runner.invoke(args=["mt", "list"]).output == listed
    assert _translate(cli_app) == before
    assert len(_install_events(cli_app)) == 1


def test_verify_finds_a_model_changed_after_install(cli_app, argos_archives):
    runner = cli_app.test_cli_runner()
    assert runner.invoke(args=["mt", "install", str(argos_archives["en", "ja"])]).exit_code == 0
    model_bin = Path(cli_app.config["ARGOS_PACKAGES_DIR"]) / TOP / "model" / "model.bin"
    model_bin.write_bytes(model_bin.read_bytes()[:-1] + b"\x7f")

    out = runner.invoke(args=["mt", "verify"])

    assert out.exit_code == 1
    assert f"FAILED\t{model_bin.parents[1]}" in out.output and "model/model.bin" in out.output
    assert "ok\t" not in out.output


def _relabelled(archive: Path, target: Path, top: str | None = None, **metadata: str) -> Path:
    """A copy of a package with fields of its metadata.json changed (and its folder renamed)."""
    with zipfile.ZipFile(archive) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("/metadata.json")]
        changed = {**json.loads(zf.read(name)), **metadata}
    return rewrite_package(archive, target, {"metadata.json": json.dumps(changed).encode()}, top)


def _folders(app) -> list[str]:
    """The entries of the app's models folder, hidden ones too (staging leftovers)."""
    models = Path(app.config["ARGOS_PACKAGES_DIR"])
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


def test_a_package_installs_by_its_metadata_pair_whatever_its_folder_is_called(
    cli_app, argos_archives, tmp_path
):
    runner = cli_app.test_cli_runner()
    assert runner.invoke(args=["mt", "install", str(argos_archives["en", "ja"])]).exit_code == 0
    before = _translate(cli_app)
    misnamed = rewrite_package(
        argos_archives["ja", "en"], tmp_path / "ja_en.argosmodel", {}, top=TOP
    )

    out = runner.invoke(args=["mt", "install", str(misnamed)])

    assert out.exit_code == 0, out.output
    assert out.output.startswith("Installed ja → en (translate-ja_en 0.1")
    assert _folders(cli_app) == [TOP, "translate-ja_en-0_1"]
    listed = runner.invoke(args=["mt", "list"]).output
    assert "en → ja\ttranslate-en_ja\t" in listed and "ja → en\ttranslate-ja_en\t" in listed
    assert _translate(cli_app) == before
    assert all(engine_for(cli_app).translate_batch(["大臣は東京で会談した。"], "ja", "en"))


@pytest.fixture(scope="module")
def zip_bomb(argos_archives, tmp_path_factory) -> Path:
    """The en->ja package plus an honest 1 GiB member of zeros: about 6 MB on disk (229:1)."""
    bomb = rewrite_package(
        argos_archives["en", "ja"], tmp_path_factory.mktemp("bomb") / "bomb.argosmodel", {}
    )
    zeros = bytes(4 * 1024**2)
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open(f"{TOP}/model/padding.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(256):
            member.write(zeros)
    return bomb


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "the archive would unpack to 1025.5 MB; the limit is 1024 MB (MT_PACKAGE_MAX_MB)"),
        (
            {"MT_PACKAGE_MAX_MB": 4096},
            "padding.bin would unpack to 229 times its size; the limit is 100 "
            "(MT_PACKAGE_MAX_RATIO)",
        ),
    ],
    ids=["total size", "ratio"],
)
def test_a_zip_bomb_is_refused_before_anything_is_written(
    make_app, tmp_path, zip_bomb, settings, message
):
    app = make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "models"), **settings)

    out = app.test_cli_runner().invoke(args=["mt", "install", str(zip_bomb)])

    assert out.exit_code == 2
    assert message in out.output and out.output.rstrip().endswith("Nothing was changed.")
    assert _folders(app) == []  # not even a staging folder
    assert not _install_events(app)


def _writes_english(tmp_path: Path) -> Path:
    """A real ja->en package whose model writes Latin letters only, as a real ja->en model does."""
    return build_tiny_package(tmp_path / "latin", "ja", "en", writes="[A-Za-z]")


@pytest.mark.parametrize(
    ("relabel", "message"),
    [
        (
            lambda archives, tmp: _relabelled(
                _writes_english(tmp), tmp / "x.argosmodel", from_code="en", to_code="ja"
            ),
            "holds no ja (日本語) letters",
        ),
        (
            lambda archives, tmp: _relabelled(
                archives["en", "ja"], tmp / "x.argosmodel", to_code="ko"
            ),
            "tokenizer cannot spell ko (한국어)",
        ),
        (
            lambda archives, tmp: _relabelled(
                archives["en", "ja"], tmp / "x.argosmodel", to_code="fr"
            ),
            "this app knows no language fr",
        ),
    ],
    ids=["model writes the other way", "tokenizer of another pair", "unknown language"],
)
def test_a_package_whose_files_disagree_with_its_metadata_pair_is_refused(
    cli_app, argos_archives, tmp_path, relabel, message
):
    runner = cli_app.test_cli_runner()
    assert runner.invoke(args=["mt", "install", str(argos_archives["en", "ja"])]).exit_code == 0
    listed, before = runner.invoke(args=["mt", "list"]).output, _translate(cli_app)

    out = runner.invoke(args=["mt", "install", str(relabel(argos_archives, tmp_path))])

    assert out.exit_code == 2, out.output
    assert message in out.output and out.output.rstrip().endswith("Nothing was changed.")
    assert runner.invoke(args=["mt", "list"]).output == listed
    assert _folders(cli_app) == [TOP]
    assert _translate(cli_app) == before


def test_a_model_that_writes_its_target_language_passes_the_direction_check(cli_app, tmp_path):
    out = cli_app.test_cli_runner().invoke(args=["mt", "install", str(_writes_english(tmp_path))])

    assert out.exit_code == 0, out.output
    assert _folders(cli_app) == ["translate-ja_en-0_1"]


def test_installing_a_newer_version_keeps_the_previous_one_for_rollback(
    cli_app, argos_archives, tmp_path
):
    runner = cli_app.test_cli_runner()
    engine = engine_for(cli_app)
    for pair in (("en", "ja"), ("ja", "en")):
        assert runner.invoke(args=["mt", "install", str(argos_archives[pair])]).exit_code == 0
    first = _translate(cli_app)
    reseeded = build_tiny_package(tmp_path / "seed1", "en", "ja", seed=1)
    # Zipped under the old version's folder name: only metadata.json says which version it is.
    second, third = (
        _relabelled(reseeded, tmp_path / f"v{v}.argosmodel", top=TOP, package_version=v)
        for v in ("0.2", "0.3")
    )

    assert runner.invoke(args=["mt", "install", str(second)]).exit_code == 0
    assert _folders(cli_app) == [TOP, "translate-en_ja-0_2", "translate-ja_en-0_1"]
    assert engine.model_version("en", "ja") == "translate-en_ja 0.2"
    assert _translate(cli_app) != first

    assert runner.invoke(args=["mt", "install", str(third)]).exit_code == 0
    # Only the one it replaced stays beside it: one step back, not every version ever installed.
    assert _folders(cli_app) == [
        "translate-en_ja-0_2",
        "translate-en_ja-0_3",
        "translate-ja_en-0_1",
    ]
    assert engine.model_version("en", "ja") == "translate-en_ja 0.3"
    listed = runner.invoke(args=["mt", "list"]).output.splitlines()
    assert [(line.split("\t")[2], line.split("\t")[-1]) for line in listed] == [
        ("0.2", "kept for rollback"),
        ("0.3", "in use"),
        ("0.1", "in use"),
    ]

    older = runner.invoke(args=["mt", "install", str(argos_archives["en", "ja"])])
    assert older.exit_code == 2 and "en → ja 0.3 is installed" in older.output
    assert "translate-en_ja-0_3" in older.output  # the folder to remove to roll back

    shutil.rmtree(Path(cli_app.config["ARGOS_PACKAGES_DIR"]) / "translate-en_ja-0_3")
    assert engine.model_version("en", "ja") == "translate-en_ja 0.2"
    assert engine.model_version("ja", "en") == "translate-ja_en 0.1"
    assert runner.invoke(args=["mt", "verify"]).exit_code == 0


@pytest.mark.backends("sqlite", "postgresql")
def test_installing_a_model_queues_again_what_failed_for_want_of_it(cli_app, argos_archives):
    """Seen before: translations that failed because no model was installed stayed failed after
    the model was installed (issue 18, item 7). Now a subscriber of model.installed retries them,
    audited; another pair's failures wait for their own model."""
    from tests.factories import staff_headers, summary_payload
    from webapp.jobs.worker import run_worker

    client = cli_app.test_client()
    liaison = staff_headers(cli_app, "liaison")
    english = client.post("/api/v1/summaries", json=summary_payload("en"), headers=liaison).json
    japanese = client.post("/api/v1/summaries", json=summary_payload("ja"), headers=liaison).json
    run_worker(cli_app, burst=True)
    translator = staff_headers(cli_app, "translator")

    def state(created, locale):
        tr_id = created["translations"][locale]["id"]
        return client.get(f"/api/v1/translations/{tr_id}", headers=translator).json

    assert state(english, "ja")["status"] == "failed"
    assert state(japanese, "en")["status"] == "failed"

    runner = cli_app.test_cli_runner()
    out = runner.invoke(args=["mt", "install", str(argos_archives["en", "ja"])])
    assert out.exit_code == 0, out.output
    assert state(english, "ja")["status"] == "queued"
    assert state(japanese, "en")["status"] == "failed"  # no ja->en model yet
    run_worker(cli_app, burst=True)
    drafted = state(english, "ja")
    assert drafted["status"] == "in_review"
    assert all(seg["text"] for seg in drafted["segments"])
    with cli_app.app_context():
        retried = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "translation.retry")
        ).all()
    assert [r.object_id for r in retried] == [english["translations"]["ja"]["id"]]
    assert "installed" in retried[0].detail["reason"]
