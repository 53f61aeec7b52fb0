"""Invariant 7: a machine draft lands only on the segment version and source it was made from.

Each test runs the worker with the real Argos engine, and while the engine is translating, a person
acts through the API (a translator saves or approves, a liaison edits the source). The interleaving
is deterministic: the person's request runs inside the engine call, after the worker has read the
segments and before it writes its drafts.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import REASON, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.mt.engines import engine_for
from webapp.translation import jobs as translation_jobs

pytestmark = pytest.mark.backends("sqlite", "postgresql")


class DuringTranslation:
    """The real engine, with a person's action run in the middle of its first batch."""

    def __init__(self, real, action):
        self.real, self.action, self.name = real, action, real.name
        self.calls = 0

    def translate_anchored(self, texts, source, target, suppress=(), spans=()):
        drafts = self.real.translate_anchored(texts, source, target, suppress, spans)
        self.calls += 1
        if self.calls == 1:
            self.action()
        return drafts

    def model_version(self, source, target):
        return self.real.model_version(source, target)

    def pairs(self):  # what the worker records on its row
        return self.real.pairs()

    def can_translate(self, source, target):
        return self.real.can_translate(source, target)


@pytest.fixture
def people(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    return liaison, translator, created


def _translation(client, headers, tr_id):
    return client.get(f"/api/v1/translations/{tr_id}", headers=headers).json


def _work_during_translation(app, monkeypatch, action):
    real = engine_for(app)
    engine = DuringTranslation(real, action)
    monkeypatch.setattr(translation_jobs, "engine_for", lambda _app: engine)
    handled = run_worker(app, burst=True)
    assert engine.calls >= 1
    return handled


@pytest.mark.parametrize("approve", [False, True])
def test_a_translators_save_during_machine_translation_is_kept(
    app, client, monkeypatch, people, approve
):
    liaison, translator, created = people
    tr_id = created["translations"]["ja"]["id"]
    before = _translation(client, translator, tr_id)["segments"]
    target = before[2]

    def translator_saves():
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{target['id']}",
            json={
                "text": "人が書いた訳。",
                "approve": approve,
                "reason": REASON,
                "version": target["version"],
            },
            headers=translator,
        )
        assert resp.status_code == 200, resp.json

    _work_during_translation(app, monkeypatch, translator_saves)
    after = {s["id"]: s for s in _translation(client, translator, tr_id)["segments"]}
    kept = after[target["id"]]
    assert kept["text"] == "人が書いた訳。" and kept["origin"] == "human"
    assert kept["status"] == ("approved" if approve else "draft")
    others = [s for sid, s in after.items() if sid != target["id"]]
    assert others and all(s["origin"] == "mt" and s["status"] == "draft" for s in others)
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "segment.machine_draft")
        )
        assert event.detail["skipped"] == 1 and event.detail["applied"] == len(others)


def test_a_source_edit_during_machine_translation_gets_a_draft_of_the_new_sentence(
    app, client, monkeypatch, people
):
    liaison, translator, created = people
    tr_id = created["translations"]["ja"]["id"]
    new_body = summary_payload()["body"].replace(
        "Both leaders praised the U.S.-Japan alliance.",
        "Both leaders praised the alliance and its new command structure.",
    )

    def liaison_edits():
        resp = client.patch(
            f"/api/v1/summaries/{created['id']}",
            json={"body": new_body},
            headers={**liaison, "If-Match": str(created["version"])},
        )
        assert resp.status_code == 200, resp.json

    handled = _work_during_translation(app, monkeypatch, liaison_edits)
    assert handled == 2  # the edited sentence was queued again and translated from its new text
    segments = _translation(client, translator, tr_id)["segments"]
    edited = next(s for s in segments if "command structure" in s["source"])
    expected = engine_for(app).translate_batch([edited["source"]], "en", "ja")[0]
    assert edited["text"] == expected and edited["origin"] == "mt"
    assert all(s["status"] == "draft" for s in segments)
    assert not any("U.S.-Japan alliance" in s["source"] for s in segments)


def test_retry_never_revokes_an_approval(app, client, people):
    liaison, translator, created = people
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    for seg in _translation(client, translator, tr_id)["segments"]:
        client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": seg["text"],
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
    assert (
        client.post(f"/api/v1/translations/{tr_id}/approve", headers=translator).status_code == 200
    )

    login(client, "translator-ja@example.org")
    page = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)

    resp = client.post(f"/review/translations/{tr_id}/retry", data={"csrf_token": csrf_token(page)})
    assert resp.status_code == 302
    assert _translation(client, translator, tr_id)["status"] == "approved"
