"""The review queue for people (order of need, figures, filters, pages, live JSON) and presence."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import REASON, make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.jobs.worker import run_worker
from webapp.translation import worklist

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def _approve(client, headers, tr_id):
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=headers).json
    for seg in tr["segments"]:
        client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"訳{seg['id']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=headers,
        )
    assert client.post(f"/api/v1/translations/{tr_id}/approve", headers=headers).status_code == 200


@pytest.fixture
def three(app, client):
    """Published-then-edited, never approved, approved-unpublished-then-edited."""
    liaison = staff_headers(app, "liaison")
    api_translator = staff_headers(app, "translator", ["ja"], email="api@example.org")
    made = {}
    for name in ("edited-unpublished", "new", "published-stale"):
        made[name] = client.post(
            "/api/v1/summaries", json=summary_payload(title=f"Talks {name}"), headers=liaison
        ).json
    run_worker(app, burst=True)
    for name in ("edited-unpublished", "published-stale"):
        _approve(client, api_translator, made[name]["translations"]["ja"]["id"])
    client.post(
        f"/api/v1/summaries/{made['published-stale']['id']}/publish",
        json={"locales": ["en", "ja"]},
        headers=liaison,
    )
    for name in ("edited-unpublished", "published-stale"):
        client.patch(
            f"/api/v1/summaries/{made[name]['id']}",
            json={"lede": "A new lede."},
            headers={**liaison, "If-Match": "1"},
        )
    run_worker(app, burst=True)
    make_user(app, "translator", ["ja"], email="reviewer@example.org")
    login(client, "reviewer@example.org")
    return made


def _titles(html: str) -> list[str]:
    return re.findall(r'lang="en">(Talks [a-z-]+)</a>', html)


def test_most_needed_first_with_the_figures_to_plan_by(client, three):
    html = client.get("/review/").get_data(as_text=True)
    assert _titles(html) == ["Talks published-stale", "Talks new", "Talks edited-unpublished"]
    assert "readers see the previous version" in html
    assert html.count("Original changed on") == 2
    assert re.search(r"\d+ of \d+", html)


def test_filters_pages_and_json(client, three, monkeypatch):
    in_review = client.get("/review/?state=in_review").get_data(as_text=True)
    assert _titles(in_review) == ["Talks published-stale", "Talks new", "Talks edited-unpublished"]
    assert _titles(client.get("/review/?state=failed").get_data(as_text=True)) == []
    assert _titles(client.get("/review/?locale=en").get_data(as_text=True)) == []
    monkeypatch.setattr(worklist, "PAGE_SIZE", 2)
    second = client.get("/review/?page=2").get_data(as_text=True)
    assert _titles(second) == ["Talks edited-unpublished"] and "Page 2 of 2" in second
    assert client.get("/review/?page=99&state=nonsense&locale=fr").status_code == 200
    rows = client.get("/review/", headers={"Accept": "application/json"}).json["rows"]
    assert [r["status"] for r in rows] == ["in_review"] * 2  # the first page of two
    assert all(r["waiting"] <= r["total"] for r in rows)


def test_the_api_queue_filters_by_state(app, client, three):
    headers = staff_headers(app, "translator", ["ja"], email="api2@example.org")
    waiting = client.get("/api/v1/review-queue?state=in_review", headers=headers).json
    assert len(waiting["translations"]) == 3
    stale = client.get("/api/v1/review-queue?state=stale", headers=headers).json
    assert stale["translations"] == []  # stale only while the changed sentences await a draft
    assert client.get("/api/v1/review-queue?state=done", headers=headers).status_code == 422


def test_presence_shows_who_else_is_here_and_what_they_saved(app, three):
    tr_id = three["new"]["translations"]["ja"]["id"]
    make_user(app, "translator", ["ja"], email="alice@example.org")
    make_user(app, "translator", ["ja"], email="bob@example.org")
    alice, bob = app.test_client(), app.test_client()
    login(alice, "alice@example.org")
    login(bob, "bob@example.org")
    page = alice.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert "Also open:" not in page.split("data-presence")[1].split("</p>")[0].split(">", 1)[1]
    bob_page = bob.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert "alice@example.org" in bob_page
    form = re.search(r'action="(/review/translations/\d+/segments/(\d+))"', page)
    prefix = form.group(2)
    version = re.search(rf'name="s{prefix}-version"[^>]*value="(\d+)"', page).group(1)
    alice.post(
        form.group(1),
        data={
            "csrf_token": csrf_token(page),
            f"s{prefix}-text": "アリスの訳",
            f"s{prefix}-version": version,
        },
    )
    beat = bob.post(
        f"/review/translations/{tr_id}/presence",
        data={"csrf_token": csrf_token(bob_page)},
        headers={"Accept": "application/json"},
    )
    assert beat.status_code == 200
    assert beat.json["others"][0].startswith("alice@example.org (last saved Title at ")
    queue = bob.get("/review/").get_data(as_text=True)
    assert "alice@example.org" in queue and "bob@example.org" in queue
