"""`flask mt install | list | verify` on real packages: checked installs, sha256 pins, audit."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.argos_builder import rewrite_package
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
