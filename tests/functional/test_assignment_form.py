"""The liaison's assignment form on the summary page (issue 18, item 2): per language, assign to a
translator who holds it, and set or clear "needed by" as a local time in a named zone, stored in
UTC; errors beside the fields with the input kept; translators see the facts, not the form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import bearer, make_user, summary_payload
from tests.functional.test_html_workflow import login
from webapp.accounts import services as users
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.translation.models import Translation

pytestmark = pytest.mark.backends("sqlite", "postgresql")

LIAISON = "dc-liaison@example.org"
TOKYO = "tokyo@example.org"
ENGLISH = "english@example.org"


@pytest.fixture
def desk(app, client):
    """A liaison in Washington (America/New_York), a Japanese and an English translator, and an
    English summary whose Japanese translation waits."""
    make_user(app, "liaison", email=LIAISON)
    make_user(app, "translator", ["ja"], email=TOKYO)
    make_user(app, "translator", ["en"], email=ENGLISH)
    with app.app_context():
        users.set_time_zone(db.session, users.find_user(db.session, LIAISON), "America/New_York")
        db.session.commit()
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=bearer(app, LIAISON))
    assert made.status_code == 201, made.json
    return made.json


def page_url(summary) -> str:
    return f"/manage/summaries/{summary['id']}"


def send(client, summary, page: str, **fields):
    """Submit the Japanese translation's form as a browser would (its fields are prefixed)."""
    data = {"assign-ja-csrf_token": csrf_token(page)}
    data.update({f"assign-ja-{k}": v for k, v in fields.items()})
    tr_id = summary["translations"]["ja"]["id"]
    return client.post(f"/manage/translations/{tr_id}/assignment", data=data)


def stored(app, summary) -> Translation:
    with app.app_context():
        tr = db.session.get(Translation, summary["translations"]["ja"]["id"])
        assert tr is not None
        db.session.expunge(tr)
        return tr


def section(html: str) -> str:
    """The Japanese translation's block of the assignment section."""
    block = r'<div class="assignment" id="assign-ja".*?(?=<div class="assignment"|</section>)'
    match = re.search(block, html, re.S)
    assert match, "no assignment block for Japanese"
    return match.group(0)


def test_the_liaison_assigns_with_a_time_given_in_tokyo(app, client, desk):
    login(client, LIAISON)
    page = client.get(page_url(desk)).get_data(as_text=True)
    block = section(page)
    assert '<option value="tokyo@example.org">' in block
    assert ENGLISH not in block  # only translators who hold Japanese are offered
    # The zone the time is typed in is named, the liaison's own by default.
    assert '<option selected value="America/New_York">' in block

    resp = send(
        client,
        desk,
        page,
        assignee=TOKYO,
        date="2030-01-16",
        time="08:30",
        time_zone="Asia/Tokyo",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    tr = stored(app, desk)
    assert tr.needed_by is not None and tr.needed_by.isoformat() == "2030-01-15T23:30:00+00:00"

    page = client.get(page_url(desk)).get_data(as_text=True)
    block = section(page)
    assert f"<dd data-assignee>{TOKYO}</dd>" in block
    # Shown in the viewer's zone (Washington), named: 08:30 in Tokyo is 18:30 EST the day before.
    assert "Jan 15, 2030, 6:30" in block and "EST" in block
    assert '<option selected value="tokyo@example.org">' in block

    api = client.get(
        f"/api/v1/translations/{desk['translations']['ja']['id']}",
        headers=bearer(app, TOKYO),
    ).json
    assert api["assignee"] == TOKYO
    assert api["needed_by"].startswith("2030-01-15T23:30:00")
    with app.app_context():
        (row,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "translation.assign")
        ).all()
        assert row.detail["after"]["needed_by"].startswith("2030-01-15T23:30:00")


def test_a_past_deadline_is_marked_and_both_can_be_cleared(app, client, desk):
    login(client, LIAISON)
    page = client.get(page_url(desk)).get_data(as_text=True)
    resp = send(
        client, desk, page, assignee=TOKYO, date="2020-01-16", time="09:00", time_zone="UTC"
    )
    assert resp.status_code == 302
    page = client.get(page_url(desk)).get_data(as_text=True)
    assert "badge-overdue" in section(page)

    resp = send(client, desk, page, assignee="", date="", time="", time_zone="America/New_York")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    tr = stored(app, desk)
    assert tr.assignee_id is None and tr.needed_by is None
    block = section(client.get(page_url(desk)).get_data(as_text=True))
    assert "Not assigned to anyone" in block and "badge-overdue" not in block


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"assignee": ENGLISH, "date": "2030-01-16", "time": "08:30"},
            "assignee",
            "english@example.org does not translate into this language.",
        ),
        ({"assignee": TOKYO, "date": "2030-02-30", "time": "08:30"}, "date", "Not a valid date"),
        ({"assignee": TOKYO, "date": "2030-01-16", "time": ""}, "time", "Give both the date"),
        ({"assignee": TOKYO, "date": "2030-01-16", "time": "25:61"}, "time", "Not a valid time"),
        (
            {"assignee": "nobody@example.org", "date": "", "time": ""},
            "assignee",
            "No such person.",
        ),
    ],
)
def test_bad_input_is_answered_beside_the_field_with_the_input_kept(
    app, client, desk, fields, field, message
):
    login(client, LIAISON)
    page = client.get(page_url(desk)).get_data(as_text=True)
    resp = send(client, desk, page, time_zone="Asia/Tokyo", **fields)
    assert resp.status_code == 422
    block = section(resp.get_data(as_text=True))
    error = re.search(
        rf'<p class="error" role="alert" id="assign-ja-{field}-error-1">([^<]*)</p>', block
    )
    assert error and message in error.group(1), block
    assert "<details open>" in block
    if fields["date"]:
        assert f'value="{fields["date"]}"' in block  # what was typed stays, even if impossible
    assert '<option selected value="Asia/Tokyo">' in block
    tr = stored(app, desk)
    assert tr.assignee_id is None and tr.needed_by is None


def test_an_unknown_zone_is_an_error_beside_the_zone(app, client, desk):
    login(client, LIAISON)
    page = client.get(page_url(desk)).get_data(as_text=True)
    resp = send(
        client,
        desk,
        page,
        assignee=TOKYO,
        date="2030-01-16",
        time="08:30",
        time_zone="Mars/Olympus",
    )
    assert resp.status_code == 422
    assert 'id="assign-ja-time_zone-error-1"' in section(resp.get_data(as_text=True))
    assert stored(app, desk).assignee_id is None


def test_a_translator_sees_who_and_when_but_no_form(app, client, desk):
    login(client, TOKYO)
    page = client.get(page_url(desk)).get_data(as_text=True)
    block = section(page)
    assert "Not assigned to anyone" in block
    assert "assign-ja-assignee" not in block
    resp = send(client, desk, page, assignee=TOKYO, date="", time="", time_zone="UTC")
    assert resp.status_code == 403
    assert stored(app, desk).assignee_id is None
