"""Every refusal of the JSON API: 401, 403, 404, 409, 412, 422, 428."""

from __future__ import annotations

import pytest

from tests.factories import REASON, staff_headers, summary_payload
from webapp.jobs.worker import run_worker


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer kk_not-a-real-token"}, {"Authorization": "Basic abc"}],
)
def test_401_without_a_valid_token(client, headers):
    resp = client.get("/api/v1/review-queue", headers=headers)
    assert resp.status_code == 401
    assert "token" in resp.json["error"].lower()


def test_403_translator_cannot_write_summaries(app, client):
    translator = staff_headers(app, "translator", ["ja"])
    resp = client.post("/api/v1/summaries", json=summary_payload(), headers=translator)
    assert resp.status_code == 403


def test_403_liaison_cannot_review_and_translator_only_into_own_locale(app, client, created):
    run_worker(app, burst=True)
    liaison = staff_headers(app, "liaison", email="other-liaison@example.org")
    en_translator = staff_headers(app, "translator", ["en"])
    tr_id = created["translations"]["ja"]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=liaison).json
    seg = tr["segments"][0]
    for headers in (liaison, en_translator):
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={"text": "承認", "approve": True, "reason": REASON, "version": seg["version"]},
            headers=headers,
        )
        assert resp.status_code == 403
        assert (
            client.post(f"/api/v1/translations/{tr_id}/approve", headers=headers).status_code == 403
        )


def test_404_for_unknown_objects(client, liaison):
    assert client.get("/api/v1/summaries/9999", headers=liaison).status_code == 404
    assert client.get("/api/v1/translations/9999", headers=liaison).status_code == 404
    assert client.get("/api/v1/nothing-here", headers=liaison).json["fields"] == {}


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"meeting_date": "2026-02-30"}, "meeting_date"),
        ({"meeting_date": "15/01/2026"}, "meeting_date"),
        ({"source_locale": "fr"}, "source_locale"),
        ({"body": "   "}, "body"),
        ({"title": "x" * 301}, "title"),
        ({"body": "x" * 100_001}, "body"),
        ({"participants": [{"role": "Minister"}]}, "participants.0.name"),
        ({"quotes": "not a list"}, "quotes"),
        ({"countries": ["usa"]}, "countries"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_422_names_the_bad_field(client, liaison, overrides, field):
    resp = client.post("/api/v1/summaries", json=summary_payload(**overrides), headers=liaison)
    assert resp.status_code == 422
    assert field in resp.json["fields"], resp.json
    assert resp.json["fields"][field]


def test_400_for_a_body_that_is_not_json(client, liaison):
    resp = client.post("/api/v1/summaries", data="title=x", headers=liaison)
    assert resp.status_code == 400
    assert resp.json["error"]


def test_patch_needs_if_match_and_refuses_stale_versions(client, liaison, created):
    url = f"/api/v1/summaries/{created['id']}"
    assert client.patch(url, json={"title": "New"}, headers=liaison).status_code == 428
    ok = client.patch(url, json={"title": "New title"}, headers={**liaison, "If-Match": "1"})
    assert ok.status_code == 200 and ok.json["version"] == 2
    stale = client.patch(url, json={"lede": "Mine"}, headers={**liaison, "If-Match": "1"})
    assert stale.status_code == 412
    assert stale.json["current_version"] == 2
    assert stale.json["current"]["changed_fields"] == ["title"]
    assert client.get(url, headers=liaison).json["lede"] == ""  # nothing was overwritten
    bad = client.patch(url, json={"title": ""}, headers={**liaison, "If-Match": '"2"'})
    assert bad.status_code == 422
    assert (
        client.patch(
            url, json={"source_locale": "ja"}, headers={**liaison, "If-Match": "2"}
        ).status_code
        == 422
    )


def test_409_for_a_segment_saved_from_an_old_version(app, client, created):
    run_worker(app, burst=True)
    a = staff_headers(app, "translator", ["ja"], email="a@example.org")
    b = staff_headers(app, "translator", ["ja"], email="b@example.org")
    tr_id = created["translations"]["ja"]["id"]
    seg = client.get(f"/api/v1/translations/{tr_id}", headers=a).json["segments"][0]
    url = f"/api/v1/translations/{tr_id}/segments/{seg['id']}"
    first = client.put(url, json={"text": "Aの訳", "version": seg["version"]}, headers=a)
    assert first.status_code == 200
    second = client.put(url, json={"text": "Bの訳", "version": seg["version"]}, headers=b)
    assert second.status_code == 409
    assert second.json["current"]["text"] == "Aの訳"
    missing = client.put(url, json={"text": "Bの訳"}, headers=b)
    assert missing.status_code == 422 and "version" in missing.json["fields"]
    empty = client.put(url, json={"text": " ", "version": first.json["version"]}, headers=b)
    assert empty.status_code == 422 and "text" in empty.json["fields"]


def test_409_publishing_an_unapproved_locale_and_422_unknown_locale(client, liaison, created):
    url = f"/api/v1/summaries/{created['id']}/publish"
    resp = client.post(url, json={"locales": ["ja"]}, headers=liaison)
    assert resp.status_code == 409 and resp.json["missing"] == ["ja"]
    assert client.post(url, json={"locales": ["fr"]}, headers=liaison).status_code == 422
    assert client.post(url, json={"locales": ["en"]}, headers=liaison).status_code == 200


def test_review_queue_shows_only_the_translators_own_locales(app, client, liaison):
    client.post("/api/v1/summaries", json=summary_payload("en"), headers=liaison)
    client.post("/api/v1/summaries", json=summary_payload("ja"), headers=liaison)
    into_ja = staff_headers(app, "translator", ["ja"])
    into_both = staff_headers(app, "translator")

    def queue(headers, query=""):
        resp = client.get(f"/api/v1/review-queue{query}", headers=headers)
        return [t["locale"] for t in resp.json["translations"]]

    assert queue(into_ja) == ["ja"]
    assert queue(into_ja, "?locale=en") == []
    assert sorted(queue(into_both)) == ["en", "ja"]
    assert queue(into_both, "?locale=en") == ["en"]
    assert queue(liaison) == []


def test_patch_fields_are_not_nullable_in_the_document_and_null_is_a_field_error(app, client):
    """Seen before: the OpenAPI document said PATCH fields may be null; the API refused null
    (issue 22). Now both say the same: leave a field out to keep it."""
    from tests.factories import staff_headers, summary_payload

    liaison = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    spec = client.get("/api/v1/openapi.json").json
    patch = spec["components"]["schemas"]["SummaryPatch"]["properties"]
    assert patch and "null" not in str(patch)
    for field in patch:
        resp = client.patch(
            f"/api/v1/summaries/{made['id']}",
            json={field: None},
            headers={**liaison, "If-Match": f'"{made["version"]}"'},
        )
        assert resp.status_code == 422 and field in resp.json["fields"], (field, resp.json)
