"""Sign-off before publishing (issue 18, item 6): with REQUIRE_PUBLISH_SIGNOFF a publisher who did
not write the current version signs it off before it reaches readers, now or at a scheduled time.
The clock of scheduled releases is driven by the tests, never waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import csrf_token
from tests.factories import bearer, make_user, summary_payload
from tests.functional.test_html_workflow import login
from webapp.accounts import services as users
from webapp.audit.models import AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs.models import Job
from webapp.jobs.worker import run_worker
from webapp.publishing import schedules
from webapp.publishing.models import Publication, ReleaseState, ScheduledRelease

pytestmark = pytest.mark.backends("sqlite", "postgresql")

AUTHOR = "author@example.org"
SECOND = "second@example.org"
TRANSLATOR = "translator@example.org"
AT = datetime(2030, 1, 16, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo


def build(make_app, required: bool):
    """The app, two liaisons (the author of the summary and a second one) and a translator."""
    app = make_app(REQUIRE_PUBLISH_SIGNOFF=required)
    make_user(app, "liaison", email=AUTHOR)
    make_user(app, "liaison", email=SECOND)
    make_user(app, "translator", ["ja"], email=TRANSLATOR)
    with app.app_context():
        # The second liaison works in Tokyo: the page names the time of a sign-off in the
        # viewer's own zone.
        users.set_time_zone(db.session, users.find_user(db.session, AUTHOR), "Asia/Tokyo")
        db.session.commit()
    heads = {who: bearer(app, who) for who in (AUTHOR, SECOND, TRANSLATOR)}
    client = app.test_client()
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=heads[AUTHOR])
    assert made.status_code == 201, made.json
    return app, client, heads, made.json


@pytest.fixture
def desk(make_app):
    return build(make_app, required=True)


def publish(client, summary, headers):
    return client.post(
        f"/api/v1/summaries/{summary['id']}/publish", json={"locales": ["en"]}, headers=headers
    )


def sign_off(client, summary, headers):
    return client.post(f"/api/v1/summaries/{summary['id']}/signoff", headers=headers)


def state(client, summary, headers):
    return client.get(f"/api/v1/summaries/{summary['id']}", headers=headers).json


def publications(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Publication.locale)))


def audit_count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def test_with_the_setting_off_the_author_publishes_alone(make_app):
    app, client, heads, summary = build(make_app, required=False)
    got = state(client, summary, heads[AUTHOR])["signoff"]
    assert got == {
        "required": False,
        "version": 1,
        "signed_off": False,
        "signed_off_by": None,
        "signed_off_at": None,
        "via": None,
    }
    resp = publish(client, summary, heads[AUTHOR])
    assert resp.status_code == 200, resp.json
    assert publications(app) == ["en"]
    assert audit_count(app, "summary.signoff") == 0  # nothing recorded behind anyone's back
    login(client, AUTHOR)
    assert "Sign-off" not in client.get(f"/manage/summaries/{summary['id']}").get_data(as_text=True)


def test_the_author_alone_is_refused_until_another_publisher_signs_off(desk):
    app, client, heads, summary = desk
    refused = publish(client, summary, heads[AUTHOR])
    assert refused.status_code == 409, refused.json
    assert refused.json["missing"] == ["signoff"]
    assert "sign-off by another publisher" in refused.json["error"]
    assert sign_off(client, summary, heads[AUTHOR]).status_code == 409  # not one's own text

    page_url = f"/manage/summaries/{summary['id']}"
    login(client, AUTHOR)
    page = client.get(page_url).get_data(as_text=True)
    assert "Needs sign-off by another publisher" in page
    assert "Sign off version 1" not in page
    assert "Another publisher must sign off this version first." in page  # its button waits
    resp = client.post(
        f"{page_url}/publish",
        data={"csrf_token": csrf_token(page), "locale": "en"},
        follow_redirects=True,
    )
    assert "needs a sign-off by another publisher" in resp.get_data(as_text=True)
    assert publications(app) == []

    second = app.test_client()
    login(second, SECOND)
    page = second.get(page_url).get_data(as_text=True)
    assert "Sign off version 1" in page
    resp = second.post(
        f"{page_url}/signoff", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "Signed off version 1." in resp.get_data(as_text=True)

    # The author, whose zone is Tokyo, reads who signed off and when, in JST.
    page = client.get(page_url).get_data(as_text=True)
    assert "Version 1 signed off by second@example.org at" in page
    assert " JST." in page
    got = state(client, summary, heads[AUTHOR])["signoff"]
    assert got["signed_off"] and got["signed_off_by"] == SECOND and got["via"] == "signoff"
    assert got["required"] and got["version"] == 1

    resp = publish(client, summary, heads[AUTHOR])
    assert resp.status_code == 200, resp.json
    assert publications(app) == ["en"]
    assert audit_count(app, "summary.signoff") == 1


def test_a_publisher_who_did_not_write_it_signs_off_by_publishing(desk):
    app, client, heads, summary = desk
    resp = publish(client, summary, heads[SECOND])
    assert resp.status_code == 200, resp.json
    got = state(client, summary, heads[AUTHOR])["signoff"]
    assert got["signed_off_by"] == SECOND and got["via"] == "publish"
    assert sign_off(client, summary, heads[SECOND]).status_code == 200  # once per person
    assert audit_count(app, "summary.signoff") == 1


def test_an_edit_after_the_signoff_voids_it(desk):
    app, client, heads, summary = desk
    assert sign_off(client, summary, heads[SECOND]).status_code == 200
    edited = client.patch(
        f"/api/v1/summaries/{summary['id']}",
        json={"title": "Hegseth and Koizumi meet at the Pentagon"},
        headers={**heads[AUTHOR], "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.json
    got = state(client, summary, heads[AUTHOR])["signoff"]
    assert got["version"] == 2 and not got["signed_off"]
    refused = publish(client, summary, heads[AUTHOR])
    assert refused.status_code == 409 and "Version 2" in refused.json["error"]
    assert sign_off(client, summary, heads[SECOND]).status_code == 200
    assert publish(client, summary, heads[AUTHOR]).status_code == 200


def schedule(client, summary, headers, when="2030-01-16T09:00"):
    return client.post(
        f"/api/v1/summaries/{summary['id']}/schedule",
        json={
            "locales": ["en"],
            "release_at": when,
            "time_zone": "Asia/Tokyo",
            "policy": "hold",
        },
        headers=headers,
    )


def release_due(app, now: datetime) -> list[schedules.Released]:
    with app.app_context():
        done = schedules.release_due(db.session, now)
        db.session.commit()
        return done


def test_a_scheduled_release_without_signoff_is_held_then_released_after_one(desk):
    app, client, heads, summary = desk
    assert schedule(client, summary, heads[AUTHOR]).status_code == 201
    assert release_due(app, AT - timedelta(seconds=1)) == []
    done = release_due(app, AT)
    assert [(d.state, d.reason) for d in done] == [(ReleaseState.HELD, "no_signoff")]
    assert publications(app) == []
    got = state(client, summary, heads[AUTHOR])["schedule"]
    assert got["state"] == "held" and got["held_reason"] == "no_signoff"
    login(client, AUTHOR)
    page = client.get(f"/manage/summaries/{summary['id']}").get_data(as_text=True)
    assert "the current version was not signed off by a publisher who did not write it" in page

    # Signed off, the held release waits for a new time (nobody chose "now"), and the worker's
    # job releases it then.
    assert sign_off(client, summary, heads[SECOND]).status_code == 200
    assert publications(app) == []
    moved = client.patch(
        f"/api/v1/summaries/{summary['id']}/schedule",
        json={"release_at": "2030-01-17T09:00"},
        headers=heads[AUTHOR],
    )
    assert moved.status_code == 200 and moved.json["held_reason"] is None, moved.json
    past = utcnow() - timedelta(seconds=1)
    with app.app_context():  # its time has come: the schedule and its job move to just past
        db.session.execute(update(ScheduledRelease).values(release_at=past))
        db.session.execute(
            update(Job).where(Job.kind == "scheduled_release").values(run_after=past)
        )
        db.session.commit()
    run_worker(app, burst=True)
    assert publications(app) == ["en"]
    assert state(client, summary, heads[AUTHOR])["schedule"]["state"] == "released"


def test_scheduling_counts_as_a_signoff_until_the_text_changes(desk):
    app, client, heads, summary = desk
    assert schedule(client, summary, heads[SECOND]).status_code == 201
    got = state(client, summary, heads[AUTHOR])["signoff"]
    assert got["signed_off_by"] == SECOND and got["via"] == "schedule"
    edited = client.patch(
        f"/api/v1/summaries/{summary['id']}",
        json={"lede": "A new lede written after the release was scheduled."},
        headers={**heads[AUTHOR], "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.json
    (held,) = release_due(app, AT)
    assert (held.state, held.reason) == (ReleaseState.HELD, "no_signoff")
    assert publications(app) == []


def test_a_translator_cannot_sign_off(desk):
    app, client, heads, summary = desk
    assert sign_off(client, summary, heads[TRANSLATOR]).status_code == 403
    login(client, TRANSLATOR)
    page_url = f"/manage/summaries/{summary['id']}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Sign off version" not in page
    resp = client.post(f"{page_url}/signoff", data={"csrf_token": csrf_token(page)})
    assert resp.status_code == 403
    assert audit_count(app, "summary.signoff") == 0
