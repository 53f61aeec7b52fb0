"""Every version of a summary is kept, compared word by word, and can be restored as a new one."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.factories import bearer, make_user, summary_payload
from tests.functional.test_sessions_and_login import sign_in
from webapp.jobs.worker import run_worker


def edit(client, headers, summary_id: int, version: int, **fields):
    resp = client.patch(
        f"/api/v1/summaries/{summary_id}",
        json=fields,
        headers={**headers, "If-Match": f'"{version}"'},
    )
    assert resp.status_code == 200, resp.json
    return resp.json


@pytest.mark.backends("sqlite", "postgresql")
def test_versions_are_listed_and_an_old_one_restored_as_a_new_version(app, client):
    liaison = bearer(app, make_user(app, "liaison"))
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    original_title = created["title"]
    edited = edit(client, liaison, created["id"], 1, title="Hegseth hosts Koizumi again")
    listed = client.get(f"/api/v1/summaries/{created['id']}/revisions", headers=liaison).json
    assert [r["number"] for r in listed["revisions"]] == [2, 1]
    assert listed["revisions"][1]["title"] == original_title
    assert listed["revisions"][0]["created_by"] == "liaison-all@example.org"
    stale = client.post(
        f"/api/v1/summaries/{created['id']}/revisions/1/restore",
        json={"version": 1},
        headers=liaison,
    )
    assert stale.status_code == 412  # someone saved version 2 meanwhile
    restored = client.post(
        f"/api/v1/summaries/{created['id']}/revisions/1/restore",
        json={"version": edited["version"]},
        headers=liaison,
    )
    assert restored.status_code == 200, restored.json
    assert restored.json["version"] == 3 and restored.json["title"] == original_title
    missing = client.post(
        f"/api/v1/summaries/{created['id']}/revisions/9/restore",
        json={"version": 3},
        headers=liaison,
    )
    assert missing.status_code == 404


def test_restoring_sends_only_the_changed_sentence_back_to_review(app, client):
    liaison = bearer(app, make_user(app, "liaison"))
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    edit(client, liaison, created["id"], 1, title="A different headline")
    run_worker(app, burst=True)
    client.post(
        f"/api/v1/summaries/{created['id']}/revisions/1/restore",
        json={"version": 2},
        headers=liaison,
    )
    translator = bearer(app, make_user(app, "translator", ["ja"]))
    segments = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    pending = [s["key"] for s in segments if s["status"] in ("pending", "stale")]
    assert pending == ["title"]


def test_the_history_page_shows_who_when_and_a_word_diff_and_restores(app, client):
    email = make_user(app, "liaison")
    liaison = bearer(app, email)
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    edit(client, liaison, created["id"], 1, title="Hegseth hosts Koizumi at the White House")
    sign_in(client, email)
    page = client.get(f"/manage/summaries/{created['id']}/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<del>Pentagon</del>" in html and "<ins>White House</ins>" in html
    assert email in html
    odd = client.get(f"/manage/summaries/{created['id']}/history?from=abc&to=99999999999")
    assert odd.status_code == 200
    resp = client.post(
        f"/manage/summaries/{created['id']}/history/1/restore",
        data={"version": "2", "csrf_token": csrf_token(html)},
    )
    assert resp.status_code == 302
    summary = client.get(f"/api/v1/summaries/{created['id']}", headers=liaison).json
    assert summary["version"] == 3 and summary["title"].endswith("Pentagon")
