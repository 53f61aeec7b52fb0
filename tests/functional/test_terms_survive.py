"""Glossary terms and names survive the engine: the worker's drafts always hold them, say which
the app inserted, and a forbidden rendering the model cannot spell fails no job (issue 20.4).

The tiny test model never writes the placeholder's bytes, so with it every placeholder is
dropped: what the app inserts is what these tests see. Engines that bend or double the
placeholder are the real engine with its output rewritten as a real model's might be.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.argos_builder import build_tiny_package
from tests.factories import REASON, make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_worker
from webapp.mt.base import Draft
from webapp.mt.engines import engine_for
from webapp.mt.packages import install_package
from webapp.translation import jobs as translation_jobs

pytestmark = pytest.mark.backends("sqlite", "postgresql")

ALLIANCE = {
    "source_locale": "en",
    "target_locale": "ja",
    "source": "alliance",
    "target": "日米同盟",
}


@pytest.fixture
def staff(app):
    return staff_headers(app, "liaison"), staff_headers(app, "translator", ["ja"])


def drafted(app, client, liaison, translator, payload=None) -> tuple[int, list[dict]]:
    """Create a summary, let the worker draft it; its ja translation's id and segments."""
    created = client.post(
        "/api/v1/summaries", json=payload or summary_payload(), headers=liaison
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    assert tr["status"] == "in_review", tr
    return tr_id, tr["segments"]


def test_a_dropped_term_is_inserted_once_and_marked(app, client, staff):
    liaison, translator = staff
    client.post("/api/v1/glossary", json=ALLIANCE, headers=liaison)
    _tr_id, segments = drafted(app, client, liaison, translator)
    needing = [s for s in segments if "alliance" in s["source"]]
    assert len(needing) == 2
    for seg in needing:
        assert seg["origin"] == "mt"
        assert seg["text"].count("日米同盟") == 1, seg["text"]
        assert seg["inserted"] == [{"source": "alliance", "target": "日米同盟", "kind": "glossary"}]
        assert not any(f["code"] == "glossary" for f in seg["qa"])
        assert "⟦" not in seg["text"]
    others = [s for s in segments if "alliance" not in s["source"]]
    assert all(s["inserted"] == [] and "日米同盟" not in (s["text"] or "") for s in others)


def test_a_participants_name_from_memory_is_kept_in_the_next_summarys_drafts(app, client, staff):
    liaison, translator = staff
    tr_id, segments = drafted(app, client, liaison, translator)
    name = next(s for s in segments if s["key"] == "participant.0.name")
    saved = client.put(
        f"/api/v1/translations/{tr_id}/segments/{name['id']}",
        json={
            "text": "ピート・ヘグセス",
            "approve": True,
            "reason": REASON,
            "version": name["version"],
        },
        headers=translator,
    )
    assert saved.status_code == 200, saved.json
    # The next summary with the same participant: memory gives the name, the engine the rest.
    body = "Pete Hegseth met the minister in Tokyo. The talks lasted ninety minutes."
    _tr2, segments = drafted(
        app, client, liaison, translator, summary_payload(title="Talks in Tokyo", body=body)
    )
    named = next(s for s in segments if s["source"].startswith("Pete Hegseth met"))
    assert named["text"].count("ピート・ヘグセス") == 1, named["text"]
    assert named["inserted"] == [
        {"source": "Pete Hegseth", "target": "ピート・ヘグセス", "kind": "name"}
    ]
    plain = next(s for s in segments if s["source"].startswith("The talks"))
    assert plain["inserted"] == [] and "ピート・ヘグセス" not in plain["text"]


def test_the_review_page_says_what_was_inserted_until_a_person_changes_the_text(app, client, staff):
    liaison, translator = staff
    client.post("/api/v1/glossary", json=ALLIANCE, headers=liaison)
    tr_id, segments = drafted(app, client, liaison, translator)
    seg = next(s for s in segments if "alliance" in s["source"])
    login(client, make_user(app, "translator", ["ja"], "reviewer@example.org"))
    page = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    marks = re.findall(r"<p class=\"hint inserted-terms\" data-inserted[^>]*>(.*?)</p>", page, re.S)
    assert len(marks) == 2
    assert all(re.sub(r"<[^>]+>", "", m).strip() == "Inserted: 日米同盟 (glossary)" for m in marks)
    assert '<span lang="ja">日米同盟</span>' in marks[0]
    ja = client.get(f"/review/translations/{tr_id}", headers={"Accept-Language": "ja"})
    assert "挿入" in ja.get_data(as_text=True)
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
        json={"text": "両首脳は日米同盟を称賛した。", "version": seg["version"]},
        headers=translator,
    )
    assert resp.status_code == 200 and resp.json["inserted"] == []
    page = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert len(re.findall(r"data-inserted", page)) == 1


class Rewriting:
    """The real engine, its drafts rewritten as a real model's might come back: `rewrite`
    gets the masked source and the real draft and returns the text the engine "wrote"."""

    def __init__(self, real, rewrite):
        self.real, self.rewrite, self.name = real, rewrite, real.name

    def translate_anchored(self, texts, source, target, suppress=(), spans=()):
        drafts = self.real.translate_anchored(texts, source, target, suppress, spans)
        return [
            Draft(self.rewrite(text, draft.text), draft.score, draft.anchors)
            for text, draft in zip(texts, drafts, strict=True)
        ]

    def model_version(self, source, target):
        return self.real.model_version(source, target)

    def pairs(self):
        return self.real.pairs()


@pytest.mark.parametrize(
    ("bent", "expected"),
    [
        ("⟦0⟧", "同盟について⟦0⟧を称賛"),  # whole
        ("⟦ 0 ⟧", "同盟について⟦0⟧を称賛"),
        ("[0]", "同盟について⟦0⟧を称賛"),
        ("⟦0", "同盟について⟦0⟧を称賛"),
        ("［０］", "同盟について⟦0⟧を称賛"),
    ],
)
def test_a_placeholder_the_engine_bent_is_restored_in_place_and_not_marked(
    app, client, staff, monkeypatch, bent, expected
):
    liaison, translator = staff
    client.post("/api/v1/glossary", json=ALLIANCE, headers=liaison)

    def rewrite(masked: str, _draft: str) -> str:
        return expected.replace("⟦0⟧", bent) if "⟦0⟧" in masked else "訳文。"

    monkeypatch.setattr(
        translation_jobs, "engine_for", lambda _app: Rewriting(engine_for(app), rewrite)
    )
    _tr_id, segments = drafted(app, client, liaison, translator)
    for seg in (s for s in segments if "alliance" in s["source"]):
        assert seg["text"] == "同盟について日米同盟を称賛"
        assert seg["inserted"] == []


@pytest.mark.parametrize(
    "written",
    ["⟦0⟧は⟦0⟧と日米同盟だ。", "日米同盟を称賛した。", "日米同盟を[0]称賛した。"],
    ids=["doubled", "rendered-by-the-engine", "rendered-and-bent"],
)
def test_a_term_already_there_is_never_inserted_twice(app, client, staff, monkeypatch, written):
    liaison, translator = staff
    client.post("/api/v1/glossary", json=ALLIANCE, headers=liaison)
    monkeypatch.setattr(
        translation_jobs,
        "engine_for",
        lambda _app: Rewriting(
            engine_for(app), lambda masked, _d: written if "⟦0⟧" in masked else "訳文。"
        ),
    )
    _tr_id, segments = drafted(app, client, liaison, translator)
    for seg in (s for s in segments if "alliance" in s["source"]):
        assert seg["text"].count("日米同盟") == 1, seg["text"]
        assert seg["inserted"] == []
        assert "⟦" not in seg["text"] and "[0]" not in seg["text"]


@pytest.fixture(scope="session")
def packages_lacking_ren(tmp_path_factory) -> Path:
    """en->ja and ja->en, the en->ja model's vocabulary without 連 (its tokenizer has it)."""
    out = tmp_path_factory.mktemp("lacking")
    folder = tmp_path_factory.mktemp("lacking-packages")
    install_package(build_tiny_package(out / "a", "en", "ja", lacks=("連", "▁連")), folder)
    install_package(build_tiny_package(out / "b", "ja", "en"), folder)
    return folder


def test_a_forbidden_rendering_the_model_cannot_spell_is_skipped_and_jobs_succeed(
    make_app, packages_lacking_ren
):
    app = make_app(ARGOS_PACKAGES_DIR=str(packages_lacking_ren))
    client = app.test_client()
    liaison, translator = staff_headers(app, "liaison"), staff_headers(app, "translator", ["ja"])
    term = {**ALLIANCE, "target": "同盟", "forbidden": ["連合"]}
    assert client.post("/api/v1/glossary", json=term, headers=liaison).status_code == 201
    _tr_id, segments = drafted(app, client, liaison, translator)
    assert all(s["status"] == "draft" and s["origin"] == "mt" for s in segments)
    for seg in (s for s in segments if "alliance" in s["source"]):
        assert seg["text"].count("同盟") == 1 and "連合" not in seg["text"]
    with app.app_context():
        jobs = db.session.scalars(select(Job)).all()
        assert {(j.kind, j.status, j.attempts, j.last_error) for j in jobs} == {
            ("machine_translate", JobStatus.DONE, 1, None)
        }
