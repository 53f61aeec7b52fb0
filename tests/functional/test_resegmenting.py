"""Re-segmenting after an edit keeps every unchanged sentence's translation, even when the sentence
moved (a sentence inserted before it, paragraphs swapped): only new text needs work."""

from __future__ import annotations

import pytest

from tests.factories import EN_BODY, REASON, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def approved(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    for seg in client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]:
        client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"訳:{seg['source']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
    assert (
        client.post(f"/api/v1/translations/{tr_id}/approve", headers=translator).status_code == 200
    )
    return liaison, translator, created, tr_id


def _edit(client, liaison, created, body, version):
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"body": body},
        headers={**liaison, "If-Match": str(version)},
    )
    assert resp.status_code == 200, resp.json


def _segments(client, translator, tr_id):
    return client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]


def test_an_inserted_sentence_is_the_only_one_to_translate(app, client, approved):
    liaison, translator, created, tr_id = approved
    _edit(client, liaison, created, "The talks began at nine. " + EN_BODY, 1)
    segments = _segments(client, translator, tr_id)
    open_ = [s for s in segments if s["status"] != "approved"]
    assert [s["source"] for s in open_] == ["The talks began at nine."]
    body = [s for s in segments if s["key"].startswith("body.")]
    assert body[1]["key"] == "body.0.1" and body[1]["text"] == f"訳:{body[1]['source']}"
    assert all(s["origin"] == "human" for s in segments if s["status"] == "approved")
    run_worker(app, burst=True)
    assert [s["status"] for s in _segments(client, translator, tr_id)].count("draft") == 1


def test_swapped_paragraphs_keep_every_translation(client, approved):
    liaison, translator, created, tr_id = approved
    first, second = EN_BODY.split("\n\n")
    _edit(client, liaison, created, f"{second}\n\n{first}", 1)
    segments = _segments(client, translator, tr_id)
    assert all(s["status"] == "approved" and s["text"] == f"訳:{s['source']}" for s in segments)
    assert segments[2]["source"].startswith("Hegseth said")  # the order follows the new source
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    assert tr["status"] == "in_review"  # the whole text changed order: one more approval
