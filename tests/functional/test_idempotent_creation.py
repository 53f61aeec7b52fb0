"""A summary is created once per form token (Back, then Save) or API Idempotency-Key."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_sessions_and_login import sign_in
from tests.functional.test_structured_editor import BASE
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.summaries.models import CreationKey, Summary

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def summary_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Summary)) or 0


def form_fields(html: str) -> dict[str, str]:
    once = re.search(r'name="once" type="hidden" value="([^"]+)"', html)
    assert once, "no one-time token in the form"
    return {"csrf_token": csrf_token(html), "once": once.group(1)}


def test_saving_one_form_twice_opens_the_first_summary(app, client):
    sign_in(client, make_user(app, "liaison"))
    page = client.get("/manage/summaries/new").get_data(as_text=True)
    data = {**BASE, **form_fields(page)}
    first = client.post("/manage/summaries/new", data=data)
    assert first.status_code == 302
    again = client.post("/manage/summaries/new", data=data)  # Back, then Save
    assert again.status_code == 302 and again.location == first.location
    shown = client.get(again.location).get_data(as_text=True)
    assert "This summary was already saved; here it is." in shown
    assert summary_count(app) == 1
    # A new form is a new summary.
    other = client.get("/manage/summaries/new").get_data(as_text=True)
    assert client.post("/manage/summaries/new", data={**BASE, **form_fields(other)}).location
    assert summary_count(app) == 2


def test_a_form_sent_back_with_errors_keeps_its_token(app, client):
    sign_in(client, make_user(app, "liaison"))
    fields = form_fields(client.get("/manage/summaries/new").get_data(as_text=True))
    refused = client.post("/manage/summaries/new", data={**BASE, "body": "", **fields})
    assert refused.status_code == 422
    kept = form_fields(refused.get_data(as_text=True))
    assert kept["once"] == fields["once"]
    data = {**BASE, **kept}
    assert client.post("/manage/summaries/new", data=data).status_code == 302
    assert client.post("/manage/summaries/new", data=data).status_code == 302
    assert summary_count(app) == 1


def test_the_imported_form_is_saved_once(app, client):
    sign_in(client, make_user(app, "liaison"))
    page = client.get("/manage/summaries/import").get_data(as_text=True)
    text = "Talks in Tokyo\n\nJan. 15, 2026\n\nThe ministers met in Tokyo and agreed to meet again."
    filled = client.post(
        "/manage/summaries/import", data={"text": text, "csrf_token": csrf_token(page)}
    ).get_data(as_text=True)
    data = {**BASE, **form_fields(filled)}
    first = client.post("/manage/summaries/new", data=data)
    second = client.post("/manage/summaries/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location and summary_count(app) == 1


def test_a_token_is_one_persons(app, client):
    """Another person sending the same token gets their own summary, not a view of another's."""
    sign_in(client, make_user(app, "liaison"))
    data = {**BASE, **form_fields(client.get("/manage/summaries/new").get_data(as_text=True))}
    first = client.post("/manage/summaries/new", data=data)
    client.post("/logout", data={"csrf_token": data["csrf_token"]})
    other = app.test_client()
    sign_in(other, make_user(app, "liaison", email="other@example.org"))
    mine = form_fields(other.get("/manage/summaries/new").get_data(as_text=True))
    second = other.post("/manage/summaries/new", data={**BASE, **mine, "once": data["once"]})
    assert second.status_code == 302 and second.location != first.location
    assert summary_count(app) == 2


@pytest.fixture
def liaison(app):
    return staff_headers(app, "liaison")


def test_the_api_answers_a_repeated_key_with_the_first_summary(app, client, liaison):
    headers = {**liaison, "Idempotency-Key": "7f1c7b2e-retry-1"}
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=headers)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    # The same body with its keys in another order is the same request.
    reordered = dict(reversed(list(summary_payload().items())))
    again = client.post("/api/v1/summaries", json=reordered, headers=headers)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"] and again.json["slug"] == first.json["slug"]
    assert summary_count(app) == 1
    # Without a key, every request creates.
    assert client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).status_code
    assert summary_count(app) == 2


def test_the_same_key_with_another_body_is_refused(app, client, liaison):
    headers = {**liaison, "Idempotency-Key": "key-1"}
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=headers)
    assert first.status_code == 201
    other = client.post(
        "/api/v1/summaries", json=summary_payload(title="Another meeting"), headers=headers
    )
    assert other.status_code == 422
    message = other.json["fields"]["Idempotency-Key"]
    assert f"summary {first.json['id']}" in message and "new key" in message
    assert summary_count(app) == 1


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "ключ"])
def test_a_malformed_key_is_a_clear_400(app, client, liaison, key):
    resp = client.post(
        "/api/v1/summaries",
        json=summary_payload(),
        headers={**liaison, "Idempotency-Key": key.encode().decode("latin-1")},
    )
    assert resp.status_code == 400 and "Idempotency-Key" in resp.json["error"]
    assert summary_count(app) == 0


def test_a_key_expires_after_a_day(app, client, liaison):
    headers = {**liaison, "Idempotency-Key": "old-key"}
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=headers)
    with app.app_context():
        db.session.execute(
            update(CreationKey).values(created_at=utcnow() - timedelta(hours=24, seconds=1))
        )
        db.session.commit()
    later = client.post("/api/v1/summaries", json=summary_payload(), headers=headers)
    assert later.status_code == 201 and later.json["id"] != first.json["id"]
    with app.app_context():  # the expired use was forgotten when the new one was recorded
        rows = db.session.scalars(select(CreationKey)).all()
        assert [r.summary_id for r in rows] == [later.json["id"]]


def test_a_deleted_summary_frees_its_key(app, client, liaison):
    headers = {**liaison, "Idempotency-Key": "delete-me"}
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=headers)
    assert (
        client.delete(f"/api/v1/summaries/{first.json['id']}", headers=liaison).status_code == 204
    )
    again = client.post("/api/v1/summaries", json=summary_payload(), headers=headers)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert summary_count(app) == 1
