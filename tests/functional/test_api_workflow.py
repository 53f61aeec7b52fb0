"""The walking skeleton through the JSON API: create -> worker -> review -> approve -> publish."""

from __future__ import annotations

import pytest

from tests.factories import REASON, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def staff(app):
    return {
        "liaison": staff_headers(app, "liaison"),
        "translator": staff_headers(app, "translator", ["ja", "en"]),
    }


def create(client, headers, **overrides):
    resp = client.post("/api/v1/summaries", json=summary_payload(**overrides), headers=headers)
    assert resp.status_code == 201, resp.json
    return resp.json


def approve_everything(client, headers, translation_id):
    tr = client.get(f"/api/v1/translations/{translation_id}", headers=headers).json
    for seg in tr["segments"]:
        resp = client.put(
            f"/api/v1/translations/{translation_id}/segments/{seg['id']}",
            json={
                "text": seg["text"],
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=headers,
        )
        assert resp.status_code == 200, resp.json
        assert resp.json["status"] == "approved"
    return client.post(f"/api/v1/translations/{translation_id}/approve", headers=headers)


@pytest.mark.parametrize("source,target", [("en", "ja"), ("ja", "en")])
def test_full_flow_publishes_only_after_approval(app, client, staff, backend, source, target):
    created = create(client, staff["liaison"], source_locale=source)
    assert created["version"] == 1
    assert created["translations"][target]["status"] == "queued"
    tr_id = created["translations"][target]["id"]

    assert run_worker(app, burst=True) == 1
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=staff["translator"]).json
    assert tr["status"] == "in_review"
    assert {s["origin"] for s in tr["segments"]} == {"mt"}
    assert all(s["text"] and s["status"] == "draft" for s in tr["segments"])
    assert all(s["model_version"] for s in tr["segments"])
    keys = [s["key"] for s in tr["segments"]]
    assert keys[0] == "title" and "body.1.0" in keys and "quote.0.text" in keys

    queue = client.get(f"/api/v1/review-queue?locale={target}", headers=staff["translator"])
    assert [t["id"] for t in queue.json["translations"]] == [tr_id]

    publish = client.post(
        f"/api/v1/summaries/{created['id']}/publish",
        json={"locales": [source, target]},
        headers=staff["liaison"],
    )
    assert publish.status_code == 409
    assert publish.json["missing"] == [target]
    assert target in publish.json["error"]

    early = client.post(f"/api/v1/translations/{tr_id}/approve", headers=staff["translator"])
    assert early.status_code == 409

    assert approve_everything(client, staff["translator"], tr_id).status_code == 200
    publish = client.post(
        f"/api/v1/summaries/{created['id']}/publish",
        json={"locales": [source, target]},
        headers=staff["liaison"],
    )
    assert publish.status_code == 200, publish.json
    assert publish.json["published_locales"] == sorted([source, target])

    page = client.get(f"/{target}/summaries/{created['slug']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<html lang="{target}">' in html
    assert f'hreflang="{source}"' in html
    approved_title = tr["segments"][0]["text"]
    assert approved_title.replace("'", "&#39;") in html or approved_title in html
    source_page = client.get(f"/{source}/summaries/{created['slug']}").get_data(as_text=True)
    assert created["title"] in source_page


def test_edit_of_one_sentence_requeues_only_that_segment(app, client, staff):
    created = create(client, staff["liaison"])
    tr_id = created["translations"]["ja"]["id"]
    run_worker(app, burst=True)
    assert approve_everything(client, staff["translator"], tr_id).status_code == 200
    client.post(
        f"/api/v1/summaries/{created['id']}/publish",
        json={"locales": ["en", "ja"]},
        headers=staff["liaison"],
    )
    published_ja = client.get(f"/ja/summaries/{created['slug']}").get_data(as_text=True)

    body = created["body"].replace("every way possible", "every practical way")
    patched = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"body": body},
        headers={**staff["liaison"], "If-Match": "1"},
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["version"] == 2
    assert patched.json["translations"]["ja"]["status"] == "stale"

    tr = client.get(f"/api/v1/translations/{tr_id}", headers=staff["translator"]).json
    pending = [s for s in tr["segments"] if s["status"] == "pending"]
    assert [s["key"] for s in pending] == ["body.1.0"]
    assert all(s["status"] == "approved" for s in tr["segments"] if s["key"] != "body.1.0")

    assert run_worker(app, burst=True) == 1
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=staff["translator"]).json
    assert tr["status"] == "in_review"
    drafts = [s["key"] for s in tr["segments"] if s["status"] == "draft"]
    assert drafts == ["body.1.0"]
    # Readers keep the last approved snapshot meanwhile.
    assert client.get(f"/ja/summaries/{created['slug']}").get_data(as_text=True) == published_ja
    publish = client.post(
        f"/api/v1/summaries/{created['id']}/publish",
        json={"locales": ["ja"]},
        headers=staff["liaison"],
    )
    assert publish.status_code == 409


def test_translation_memory_fills_repeated_sentences(app, client, staff):
    first = create(client, staff["liaison"])
    tr_id = first["translations"]["ja"]["id"]
    run_worker(app, burst=True)
    approve_everything(client, staff["translator"], tr_id)

    second = create(client, staff["liaison"], title="A second meeting at the Pentagon")
    tr2 = client.get(
        f"/api/v1/translations/{second['translations']['ja']['id']}", headers=staff["translator"]
    ).json
    by_key = {s["key"]: s for s in tr2["segments"]}
    assert by_key["title"]["status"] == "pending"
    assert by_key["body.0.0"]["origin"] == "tm"
    assert by_key["body.0.0"]["status"] == "approved"


def test_saving_without_change_is_a_no_op_and_a_date_fix_keeps_the_approval(app, client, staff):
    created = create(client, staff["liaison"])
    tr_id = created["translations"]["ja"]["id"]
    run_worker(app, burst=True)
    assert approve_everything(client, staff["translator"], tr_id).status_code == 200
    url = f"/api/v1/summaries/{created['id']}"
    same = client.patch(
        url, json={"title": created["title"]}, headers={**staff["liaison"], "If-Match": "1"}
    )
    assert same.status_code == 200 and same.json["version"] == 1
    assert same.json["translations"]["ja"]["status"] == "approved"
    date_fix = client.patch(
        url, json={"meeting_date": "2026-01-16"}, headers={**staff["liaison"], "If-Match": "1"}
    )
    assert date_fix.json["version"] == 2
    assert date_fix.json["translations"]["ja"]["status"] == "approved"
    publish = client.post(
        f"{url}/publish", json={"locales": ["en", "ja"]}, headers=staff["liaison"]
    )
    assert publish.status_code == 200
    assert "2026年1月16日" in client.get(f"/ja/summaries/{created['slug']}").get_data(as_text=True)
