"""Whose work a translation is, and by when (issue 18, item 2): assigned by liaison staff, claimed
or handed back by translators, ordered and marked in the queue by its "needed by" time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.audit.models import AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def desk(app):
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    tokyo = staff_headers(app, "translator", ["ja"], email="tokyo@example.org")
    osaka = staff_headers(app, "translator", ["ja"], email="osaka@example.org")
    english = staff_headers(app, "translator", ["en"], email="dc@example.org")
    made = [
        client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
        for _ in range(3)
    ]
    ids = [m["translations"]["ja"]["id"] for m in made]
    return client, liaison, tokyo, osaka, english, ids


def patch(client, tr_id, body, headers):
    return client.patch(f"/api/v1/translations/{tr_id}/assignment", json=body, headers=headers)


def test_liaison_staff_assign_with_a_time_it_is_needed_by(app, desk):
    client, liaison, tokyo, _osaka, _english, ids = desk
    resp = patch(
        client,
        ids[0],
        {"assignee": "tokyo@example.org", "needed_by": "2026-01-16T08:30:00+09:00"},
        liaison,
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["assignee"] == "tokyo@example.org"
    assert resp.json["needed_by"].startswith("2026-01-15T23:30:00")  # stored in UTC
    seen = client.get(f"/api/v1/translations/{ids[0]}", headers=tokyo).json
    assert seen["assignee"] == "tokyo@example.org"
    with app.app_context():
        (row,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "translation.assign")
        ).all()
        assert row.detail["after"]["needed_by"].startswith("2026-01-15T23:30:00")


def test_wrong_assignments_are_refused_with_reasons(desk):
    client, liaison, tokyo, osaka, _english, ids = desk
    wrong_language = patch(client, ids[0], {"assignee": "dc@example.org"}, liaison)
    assert wrong_language.status_code == 422 and "assignee" in wrong_language.json["fields"]
    naive = patch(client, ids[0], {"needed_by": "2026-01-16T08:30:00"}, liaison)
    assert naive.status_code == 422 and "needed_by" in naive.json["fields"]
    assert patch(client, ids[0], {"assignee": "osaka@example.org"}, tokyo).status_code == 403
    assert patch(client, ids[0], {"needed_by": None}, tokyo).status_code == 403


def test_translators_claim_free_work_and_hand_back_their_own(desk):
    client, _liaison, tokyo, osaka, _english, ids = desk
    mine = patch(client, ids[1], {"assignee": "tokyo@example.org"}, tokyo)
    assert mine.status_code == 200 and mine.json["assignee"] == "tokyo@example.org"
    taken = patch(client, ids[1], {"assignee": "osaka@example.org"}, osaka)
    assert taken.status_code in (403, 409)
    theirs = patch(client, ids[1], {"assignee": None}, osaka)
    assert theirs.status_code == 403  # only the assignee hands back
    back = patch(client, ids[1], {"assignee": None}, tokyo)
    assert back.status_code == 200 and back.json["assignee"] is None
    assert patch(client, ids[1], {"assignee": "osaka@example.org"}, osaka).status_code == 200


def test_the_queue_puts_deadlines_first_marks_them_and_filters_by_whose(app, desk):
    client, liaison, tokyo, _osaka, _english, ids = desk
    now = utcnow()
    patch(client, ids[2], {"needed_by": (now + timedelta(hours=1)).isoformat()}, liaison)
    patch(
        client,
        ids[1],
        {"assignee": "tokyo@example.org", "needed_by": (now - timedelta(hours=1)).isoformat()},
        liaison,
    )
    queue = client.get("/api/v1/review-queue", headers=tokyo).json["translations"]
    assert {t["id"] for t in queue} == set(ids)
    mine = client.get("/api/v1/review-queue?whose=mine", headers=tokyo).json["translations"]
    assert [t["id"] for t in mine] == [ids[1]]
    free = client.get("/api/v1/review-queue?whose=unassigned", headers=tokyo).json
    assert {t["id"] for t in free["translations"]} == {ids[0], ids[2]}

    page = app.test_client()
    login(page, "tokyo@example.org")
    html = page.get("/review/").get_data(as_text=True)
    rows = [html.find(f'data-row="{i}"') for i in (ids[1], ids[2], ids[0])]
    assert -1 not in rows and rows == sorted(rows)  # overdue, then due soon, then the rest
    assert "Overdue" in html and "Due soon" in html
    only_mine = page.get("/review/?whose=mine").get_data(as_text=True)
    assert f'data-row="{ids[1]}"' in only_mine and f'data-row="{ids[0]}"' not in only_mine


def test_take_and_hand_back_on_the_review_page(app, desk):
    _client, _liaison, _tokyo, _osaka, _english, ids = desk
    page = app.test_client()
    login(page, "osaka@example.org")
    html = page.get(f"/review/translations/{ids[0]}").get_data(as_text=True)
    assert "Not assigned to anyone" in html
    token = csrf_token(html.split(f'action="/review/translations/{ids[0]}/claim"')[1])
    taken = page.post(
        f"/review/translations/{ids[0]}/claim", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Assigned to osaka@example.org" in taken.get_data(as_text=True)
    html = taken.get_data(as_text=True)
    token = csrf_token(html.split(f'action="/review/translations/{ids[0]}/hand-back"')[1])
    back = page.post(
        f"/review/translations/{ids[0]}/hand-back",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Not assigned to anyone" in back.get_data(as_text=True)
