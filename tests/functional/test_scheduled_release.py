"""Scheduled releases (issue 18, item 3): nothing public before the time, released exactly once
at it, a policy decided ahead for a language not approved by then. The clock is driven by the
tests (`release_due(session, now)`), never waited for."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from tests.conftest import csrf_token
from tests.factories import (
    PASSWORD,
    approve_segments,
    make_user,
    staff_headers,
    summary_payload,
)
from webapp.audit.models import AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_worker
from webapp.publishing import schedules
from webapp.publishing.models import Publication, ReleaseState, ScheduledRelease

pytestmark = pytest.mark.backends("sqlite", "postgresql")

# 2030-01-16 09:00 in Tokyo is midnight UTC.
AT_TOKYO = "2030-01-16T09:00"
AT = datetime(2030, 1, 16, 0, 0, tzinfo=UTC)


@pytest.fixture
def desk(app, client):
    """A liaison and a translator, and an English summary with its Japanese draft made."""
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    return {"liaison": liaison, "translator": translator, "summary": made}


def approve_ja(client, desk) -> None:
    approve_segments(client, desk["translator"], desk["summary"]["translations"]["ja"]["id"])


def schedule(client, desk, policy="hold", locales=("en", "ja"), **extra):
    url = f"/api/v1/summaries/{desk['summary']['id']}/schedule"
    body = {
        "locales": list(locales),
        "release_at": AT_TOKYO,
        "time_zone": "Asia/Tokyo",
        "policy": policy,
        **extra,
    }
    return client.post(url, json=body, headers=desk["liaison"])


def release_due(app, now: datetime) -> list[schedules.Released]:
    with app.app_context():
        done = schedules.release_due(db.session, now)
        db.session.commit()
        return done


def ja_title(client, desk) -> str:
    tr_id = desk["summary"]["translations"]["ja"]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=desk["translator"]).json
    return next(s["text"] for s in tr["segments"] if s["key"] == "title")


def reader_sees(client, slug: str, words: dict[str, str]) -> dict[str, bool]:
    """Whether each public channel shows the summary (page, lists, feeds, sitemap, search)."""
    seen = {}
    for locale in ("en", "ja"):
        seen[f"/{locale}/summaries"] = client.get(f"/{locale}/summaries/{slug}").status_code == 200
        search = f"/{locale}/search?" + urlencode({"q": words[locale]})
        for path in (f"/{locale}/", f"/{locale}/feed.atom", search):
            seen[path] = slug in client.get(path).get_data(as_text=True)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    seen["sitemap"] = slug in sitemap or any(
        slug in client.get(f"/sitemap-{n}.xml").get_data(as_text=True) for n in (1,)
    )
    return seen


def sign_in(app, client) -> None:
    """A liaison signed in to the pages (the API's headers do not open them)."""
    email = make_user(app, "liaison", email="pages@example.org")
    login = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token(login.get_data(as_text=True)),
        },
    )
    assert resp.status_code == 302


def audit_count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def publications(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Publication.locale)))


def test_the_time_is_given_in_a_zone_and_stored_in_utc(client, desk):
    resp = schedule(client, desk)
    assert resp.status_code == 201, resp.json
    assert resp.json["release_at"].startswith("2030-01-16T00:00:00")
    assert resp.json["local_release_at"] == "2030-01-16T09:00:00+09:00"
    assert resp.json["state"] == "pending" and resp.json["version"] == 1
    got = client.get(f"/api/v1/summaries/{desk['summary']['id']}", headers=desk["liaison"]).json
    assert got["schedule"]["locales"] == ["en", "ja"]
    assert got["schedule"]["policy"] == "hold"


def test_nothing_is_public_a_second_before_and_both_languages_are_at_the_time(app, client, desk):
    approve_ja(client, desk)
    assert schedule(client, desk).status_code == 201
    slug = desk["summary"]["slug"]
    words = {"en": "Koizumi", "ja": ja_title(client, desk)}

    assert release_due(app, AT - timedelta(seconds=1)) == []
    assert run_worker(app, burst=True) == 0  # the job waits in the queue for its time
    seen = reader_sees(client, slug, words)
    assert not any(seen.values()), seen

    done = release_due(app, AT)
    assert [(d.state, sorted(d.published)) for d in done] == [(ReleaseState.RELEASED, ["en", "ja"])]
    seen = reader_sees(client, slug, words)
    assert all(seen.values()), seen
    assert release_due(app, AT + timedelta(minutes=1)) == []  # once only
    assert publications(app) == ["en", "ja"]


def test_two_workers_release_it_exactly_once(app, client, desk):
    approve_ja(client, desk)
    assert schedule(client, desk).status_code == 201
    past = utcnow() - timedelta(seconds=1)
    with app.app_context():
        # The time has come: the schedule and its job are moved to a moment just past, and a
        # second job for the same version stands for one a crashed claim could leave behind.
        row = db.session.scalars(select(ScheduledRelease)).one()
        db.session.execute(update(ScheduledRelease).values(release_at=past))
        db.session.execute(
            update(Job).where(Job.kind == "scheduled_release").values(run_after=past)
        )
        queue.enqueue(
            db.session,
            "scheduled_release",
            {"schedule_id": row.id, "version": row.version},
            run_after=past,
        )
        db.session.commit()
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            run_worker(app, burst=True, worker_id=name)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert publications(app) == ["en", "ja"]
    assert audit_count(app, "release.released") == 1
    assert audit_count(app, "summary.publish") == 1
    with app.app_context():
        kinds = db.session.scalars(select(Job.status).where(Job.kind == "scheduled_release"))
        assert set(kinds) == {JobStatus.DONE}
        assert db.session.scalars(select(ScheduledRelease.state)).one() == ReleaseState.RELEASED


def test_hold_publishes_nothing_when_a_language_is_not_approved(app, client, desk):
    assert schedule(client, desk, policy="hold").status_code == 201
    done = release_due(app, AT)
    assert [(d.state, d.not_ready) for d in done] == [(ReleaseState.HELD, ["ja"])]
    assert publications(app) == []
    got = client.get(f"/api/v1/summaries/{desk['summary']['id']}", headers=desk["liaison"]).json
    assert got["schedule"]["state"] == "held" and got["schedule"]["outstanding"] == ["ja"]
    sign_in(app, client)
    page = client.get(f"/manage/summaries/{desk['summary']['id']}").get_data(as_text=True)
    assert "not approved in time: Japanese" in page

    # Approved later, the held release still waits for a new time: a joint release never
    # leaves at a moment nobody chose.
    approve_ja(client, desk)
    assert publications(app) == []
    url = f"/api/v1/summaries/{desk['summary']['id']}/schedule"
    moved = client.patch(url, json={"release_at": "2030-01-17T09:00"}, headers=desk["liaison"])
    assert moved.status_code == 200 and moved.json["state"] == "pending", moved.json
    assert release_due(app, AT + timedelta(days=1))[0].published == ["en", "ja"]


def test_ready_releases_the_ready_language_and_the_other_once_approved(app, client, desk):
    assert schedule(client, desk, policy="ready").status_code == 201
    done = release_due(app, AT)
    assert [(d.state, d.published, d.not_ready) for d in done] == [
        (ReleaseState.RELEASED, ["en"], ["ja"])
    ]
    assert publications(app) == ["en"]
    approve_ja(client, desk)
    assert publications(app) == ["en", "ja"]
    assert audit_count(app, "release.released") == 2


def test_a_rescheduled_or_cancelled_release_leaves_its_old_job_nothing_to_do(app, client, desk):
    approve_ja(client, desk)
    assert schedule(client, desk).status_code == 201
    url = f"/api/v1/summaries/{desk['summary']['id']}/schedule"
    stale = client.patch(
        url, json={"locales": ["ja"]}, headers={**desk["liaison"], "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    moved = client.patch(
        url,
        json={"release_at": "2030-01-16T10:00", "locales": ["ja"]},
        headers={**desk["liaison"], "If-Match": '"1"'},
    )
    assert moved.status_code == 200 and moved.json["version"] == 2, moved.json
    with app.app_context():
        assert schedules.release(db.session, moved.json["id"], 1, AT + timedelta(hours=2)) is None
        db.session.commit()
    assert release_due(app, AT) == []  # 09:00 Tokyo is no longer the time
    assert publications(app) == []
    cancelled = client.delete(url, headers=desk["liaison"])
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    assert release_due(app, AT + timedelta(days=1)) == []
    assert publications(app) == []
    assert audit_count(app, "release.schedule") == 1
    assert audit_count(app, "release.reschedule") == 1
    assert audit_count(app, "release.cancel") == 1


def test_bad_schedules_are_refused(client, desk, app):
    url = f"/api/v1/summaries/{desk['summary']['id']}/schedule"
    past = schedule(client, desk, release_at="2020-01-01T09:00")
    assert past.status_code == 422 and "release_at" in past.json["fields"]
    zone = schedule(client, desk, time_zone="Mars/Olympus")
    assert zone.status_code == 422 and "time_zone" in zone.json["fields"]
    shape = schedule(client, desk, release_at="tomorrow")
    assert shape.status_code == 422 and "release_at" in shape.json["fields"]
    assert schedule(client, desk).status_code == 201
    assert schedule(client, desk).status_code == 409  # one open schedule per summary
    translator = client.delete(url, headers=desk["translator"])
    assert translator.status_code == 403
    assert client.delete(url, headers=desk["liaison"]).status_code == 200
    assert client.delete(url, headers=desk["liaison"]).status_code == 404


def test_the_liaison_schedules_reschedules_and_cancels_on_the_summary_page(app, client, desk):
    sign_in(app, client)
    page_url = f"/manage/summaries/{desk['summary']['id']}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Schedule release" in page
    resp = client.post(
        f"{page_url}/schedule",
        data={
            "csrf_token": csrf_token(page),
            "locales": ["en", "ja"],
            "date": "2030-01-16",
            "time": "09:00",
            "time_zone": "Asia/Tokyo",
            "policy": "hold",
        },
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "Scheduled: English and Japanese at" in html, html
    assert "(00:00 UTC)" in html
    # In the release's own zone, written as every other staff time is.
    assert "Jan 16, 2030, 9:00\u202fAM JST" in html or "Jan 16, 2030, 9:00 AM JST" in html
    assert "hold all of them" in html
    assert '<option selected value="Asia/Tokyo">' in html  # the form holds the open schedule
    resp = client.post(
        f"{page_url}/schedule",
        data={
            "csrf_token": csrf_token(html),
            "locales": ["ja"],
            "date": "2030-01-16",
            "time": "10:30",
            "time_zone": "America/New_York",
            "policy": "ready",
        },
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "Scheduled: Japanese at" in html and "(15:30 UTC)" in html, html
    assert "each other one once approved" in html
    resp = client.post(
        f"{page_url}/schedule/cancel",
        data={"csrf_token": csrf_token(html)},
        follow_redirects=True,
    )
    assert "Scheduled:" not in resp.get_data(as_text=True)
    with app.app_context():
        state = db.session.scalars(select(ScheduledRelease.state)).one()
        assert state == ReleaseState.CANCELLED


def test_a_worker_that_died_holding_the_release_leaves_it_to_another(app, client, desk):
    """The dead worker's claim committed, its work did not (a SIGKILL between the two): once its
    lease is over another worker takes the job over and releases, once."""
    approve_ja(client, desk)
    assert schedule(client, desk).status_code == 201
    past = utcnow() - timedelta(seconds=1)
    with app.app_context():
        db.session.execute(update(ScheduledRelease).values(release_at=past))
        db.session.execute(update(Job).values(run_after=past))
        db.session.commit()
        dead = queue.claim(db.session, "dead-worker", lease_seconds=-1)  # its lease is over
        assert dead is not None and dead.kind == "scheduled_release"
        db.session.commit()
    assert publications(app) == []
    assert run_worker(app, burst=True, worker_id="healthy") == 1
    assert publications(app) == ["en", "ja"]
    assert audit_count(app, "release.released") == 1
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "scheduled_release")).one()
        assert (job.status, job.locked_by, job.attempts) == (JobStatus.DONE, "healthy", 2)
        assert not queue.finish(db.session, job, "dead-worker")  # too late to finish it again


def test_a_release_that_cannot_publish_is_held_and_leaves_nothing_half_done(
    app, client, desk, monkeypatch
):
    """A publication that fails after writing (a photo's file gone, say) rolls back to the
    savepoint: no snapshot of it stays, and the release is held for the liaison."""
    from webapp.core.errors import ValidationError
    from webapp.publishing import services

    real = services.publish_as

    def fails_after_writing(session, summary, locales, user):
        real(session, summary, locales, user)
        raise ValidationError({"photos": "A photo has no file."})

    monkeypatch.setattr(services, "publish_as", fails_after_writing)
    approve_ja(client, desk)
    assert schedule(client, desk, policy="ready").status_code == 201
    done = release_due(app, AT)
    assert [(d.state, d.published) for d in done] == [(ReleaseState.HELD, [])]
    assert publications(app) == []
    assert audit_count(app, "release.held") == 1
    assert audit_count(app, "summary.publish") == 0
    with app.app_context():
        row = db.session.scalars(select(ScheduledRelease)).one()
        assert (row.state, row.outstanding) == (ReleaseState.HELD, ["en", "ja"])
