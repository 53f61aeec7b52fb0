"""Issue 21, item 8: a restored approved version stays approved, an approved memory match is
not asked to be confirmed, the history names an approval once, and presence ends with the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.conftest import csrf_token
from tests.factories import approve_segments, make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.translation import presence
from webapp.translation.models import Presence

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def _edit(client, headers, summary_id: int, version: int, **fields) -> dict:
    resp = client.patch(
        f"/api/v1/summaries/{summary_id}",
        json=fields,
        headers={**headers, "If-Match": f'"{version}"'},
    )
    assert resp.status_code == 200, resp.json
    return resp.json


@pytest.fixture
def restored(app, client):
    """Approved and published in both languages, edited (the edit republished in English
    only), then the approved first version restored by the liaison."""
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"], email="api-ja@example.org")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    approve_segments(client, translator, tr_id)
    published = client.post(
        f"/api/v1/summaries/{created['id']}/publish",
        json={"locales": ["en", "ja"]},
        headers=liaison,
    )
    assert published.status_code == 200, published.json
    edited = _edit(client, liaison, created["id"], 1, title="A different headline")
    run_worker(app, burst=True)
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/revisions/1/restore",
        json={"version": edited["version"]},
        headers=liaison,
    )
    assert resp.status_code == 200, resp.json
    run_worker(app, burst=True)
    return {"summary": created, "tr_id": tr_id, "liaison": liaison, "translator": translator}


def test_restoring_the_approved_version_leaves_the_translation_approved(app, client, restored):
    tr = client.get(
        f"/api/v1/translations/{restored['tr_id']}", headers=restored["translator"]
    ).json
    assert {s["status"] for s in tr["segments"]} == {"approved"}
    assert tr["status"] == "approved"  # no "Approve the whole translation" left to press
    summary = client.get(
        f"/api/v1/summaries/{restored['summary']['id']}", headers=restored["liaison"]
    ).json
    assert summary["translations"]["ja"]["status"] == "approved"
    again = client.post(
        f"/api/v1/summaries/{restored['summary']['id']}/publish",
        json={"locales": ["en", "ja"]},
        headers=restored["liaison"],
    )
    assert again.status_code == 200, again.json  # publishable at once


def test_a_changed_text_is_not_approved_by_a_restore(app, client):
    """Only the very text approved as a whole comes back approved: a version with a sentence
    the translator never approved whole still goes to review."""
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"], email="api-ja@example.org")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    approve_segments(client, translator, tr_id, whole=False)  # segments only, never the whole
    edited = _edit(client, liaison, created["id"], 1, title="A different headline")
    run_worker(app, burst=True)
    client.post(
        f"/api/v1/summaries/{created['id']}/revisions/1/restore",
        json={"version": edited["version"]},
        headers=liaison,
    )
    run_worker(app, burst=True)
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    assert tr["status"] == "in_review"


def test_an_approved_memory_segment_is_not_asked_to_be_confirmed(app, client, restored):
    make_user(app, "translator", ["ja"], email="reviewer@example.org")
    login(client, "reviewer@example.org")
    html = client.get(f"/review/translations/{restored['tr_id']}").get_data(as_text=True)
    assert "From translation memory: approved by" in html  # the restored title's note
    assert "confirm it if it fits here" not in html


def test_the_history_names_an_approval_once(app, client, restored):
    make_user(app, "translator", ["ja"], email="reviewer@example.org")
    login(client, "reviewer@example.org")
    tr = client.get(
        f"/api/v1/translations/{restored['tr_id']}", headers=restored["translator"]
    ).json
    body = next(s for s in tr["segments"] if s["key"] != "title")
    html = client.get(
        f"/review/translations/{restored['tr_id']}/segments/{body['id']}/history"
    ).get_data(as_text=True)
    heads = [
        " ".join(re.sub(r"<[^>]+>", " ", h).split())
        for h in re.findall(r'<div class="history-head">(.*?)</div>', html, re.S)
    ]
    assert any(h.startswith("Approved ·") for h in heads)
    assert not any(h.startswith("Approved · Approved") for h in heads), heads


def test_leaving_the_page_ends_presence_at_once(app, client, restored):
    make_user(app, "translator", ["ja"], email="alice@example.org")
    make_user(app, "translator", ["ja"], email="bob@example.org")
    alice, bob = app.test_client(), app.test_client()
    login(alice, "alice@example.org")
    login(bob, "bob@example.org")
    url = f"/review/translations/{restored['tr_id']}"
    alice_page = alice.get(url).get_data(as_text=True)
    assert f'data-leave-url="{url}/presence/leave"' in alice_page
    bob_page = bob.get(url).get_data(as_text=True)
    assert "alice@example.org" in bob_page
    left = alice.post(f"{url}/presence/leave", data={"csrf_token": csrf_token(alice_page)})
    assert left.status_code == 204
    beat = bob.post(
        f"{url}/presence",
        data={"csrf_token": csrf_token(bob_page)},
        headers={"Accept": "application/json"},
    )
    assert beat.json["others"] == []
    assert alice.post(f"{url}/presence/leave", data={}).status_code == 400  # no token


def test_presence_expires_after_two_missed_beats(app, client, restored):
    make_user(app, "translator", ["ja"], email="alice@example.org")
    make_user(app, "translator", ["ja"], email="bob@example.org")
    alice, bob = app.test_client(), app.test_client()
    login(alice, "alice@example.org")
    login(bob, "bob@example.org")
    url = f"/review/translations/{restored['tr_id']}"
    alice.get(url)
    with app.app_context():
        db.session.execute(
            update(Presence).values(seen_at=utcnow() - presence.BEAT * 3 - timedelta(seconds=1))
        )
        db.session.commit()
    assert timedelta(minutes=2) >= presence.PRESENT_FOR
    assert "alice@example.org" not in bob.get(url).get_data(as_text=True)
