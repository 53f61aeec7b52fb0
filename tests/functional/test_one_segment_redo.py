"""A translator asks the machine to redo one segment: only that segment changes, and only if
nobody changed it meanwhile. The history page lists every change and restores an earlier text."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.jobs.worker import run_worker
from webapp.mt.engines import engine_for

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def page(app, client):
    liaison = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    make_user(app, "translator", ["ja"])
    login(client, "translator-ja@example.org")
    tr_id = created["translations"]["ja"]["id"]
    return tr_id


def _segment(client, tr_id, index=0):
    html = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    seg_id = re.findall(r'data-segment="(\d+)"', html)[index]
    version = re.search(rf'name="s{seg_id}-version"[^>]*value="(\d+)"', html).group(1)
    return html, seg_id, version


def _save(client, tr_id, html, seg_id, version, text):
    return client.post(
        f"/review/translations/{tr_id}/segments/{seg_id}",
        data={
            "csrf_token": csrf_token(html),
            f"s{seg_id}-text": text,
            f"s{seg_id}-version": version,
        },
        headers={"Accept": "application/json"},
    )


def test_redo_replaces_only_that_segment(app, client, page):
    tr_id = page
    html, seg_id, version = _segment(client, tr_id)
    saved = _save(client, tr_id, html, seg_id, version, "人の訳")
    assert saved.status_code == 200
    html, _, version = _segment(client, tr_id)
    before = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    resp = client.post(
        f"/review/translations/{tr_id}/segments/{seg_id}/machine",
        data={"csrf_token": csrf_token(html), f"s{seg_id}-version": version},
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 200 and resp.json["message"]
    assert run_worker(app, burst=True) == 1
    state = client.get(f"/review/translations/{tr_id}/segments/{seg_id}/state").json["segment"]
    api = staff_headers(app, "translator", ["ja"], email="api-reader@example.org")
    segments = client.get(f"/api/v1/translations/{tr_id}", headers=api).json["segments"]
    source = next(s["source"] for s in segments if str(s["id"]) == seg_id)
    assert state["text"] == engine_for(app).translate_batch([source], "en", "ja")[0]
    assert state["origin_label"] == "Machine draft" and state["status"] == "draft"
    after = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    others = lambda h: re.findall(r"<textarea[^>]*>\s*(.*?)</textarea>", h, re.S)[1:]  # noqa: E731
    assert others(after) == others(before)


def test_redo_never_lands_over_a_later_save(app, client, page):
    tr_id = page
    html, seg_id, version = _segment(client, tr_id)
    client.post(
        f"/review/translations/{tr_id}/segments/{seg_id}/machine",
        data={"csrf_token": csrf_token(html), f"s{seg_id}-version": version},
    )
    assert _save(client, tr_id, html, seg_id, version, "後から書いた訳").status_code == 200
    run_worker(app, burst=True)
    state = client.get(f"/review/translations/{tr_id}/segments/{seg_id}/state").json["segment"]
    assert state["text"] == "後から書いた訳"


def test_redo_from_an_old_version_is_refused(client, page):
    tr_id = page
    html, seg_id, version = _segment(client, tr_id)
    assert _save(client, tr_id, html, seg_id, version, "新しい訳").status_code == 200
    resp = client.post(
        f"/review/translations/{tr_id}/segments/{seg_id}/machine",
        data={"csrf_token": csrf_token(html), f"s{seg_id}-version": version},
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 409 and resp.json["current"]["text"] == "新しい訳"


def test_history_page_restores_an_earlier_text(client, page):
    tr_id = page
    html, seg_id, version = _segment(client, tr_id)
    machine_text = re.search(rf'id="s{seg_id}-text"[^>]*>\s*(.*?)</textarea>', html, re.S).group(1)
    _save(client, tr_id, html, seg_id, version, "書き直した訳")
    history = client.get(f"/review/translations/{tr_id}/segments/{seg_id}/history")
    text = history.get_data(as_text=True)
    assert history.status_code == 200
    assert "Saved as a draft" in text and "Machine draft" in text and "書き直した訳" in text
    change_id = re.search(r'name="change_id" value="(\d+)"', text).group(1)
    current = re.search(r'name="version" value="(\d+)"', text).group(1)
    resp = client.post(
        f"/review/translations/{tr_id}/segments/{seg_id}/restore",
        data={"csrf_token": csrf_token(text), "change_id": change_id, "version": current},
    )
    assert resp.status_code == 302
    state = client.get(f"/review/translations/{tr_id}/segments/{seg_id}/state").json["segment"]
    assert state["text"] == machine_text and state["status"] == "draft"
    bad = client.post(
        f"/review/translations/{tr_id}/segments/{seg_id}/restore",
        data={"csrf_token": csrf_token(text), "change_id": "x", "version": current},
    )
    assert bad.status_code == 422


def test_without_a_model_the_machine_draft_button_is_disabled_and_says_why(make_app, tmp_path):
    app = make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "no-models"))
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    make_user(app, "translator", ["ja"])
    login(client, "translator-ja@example.org")
    html = client.get(f"/review/translations/{created['translations']['ja']['id']}").get_data(
        as_text=True
    )
    button = re.search(r"<button[^>]*data-machine[^>]*>", html, re.S).group(0)
    assert "disabled" in button and "No running worker can translate en → ja." in button


def test_with_a_model_the_machine_draft_button_is_enabled(client, page):
    html = client.get(f"/review/translations/{page}").get_data(as_text=True)
    button = re.search(r"<button[^>]*data-machine[^>]*>", html, re.S).group(0)
    assert "disabled" not in button
