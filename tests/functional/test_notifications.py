"""Notifications (issue 18, item 4): who is told, in which language, how often, by a real SMTP
server (aiosmtpd) that the tests start, with mail sent by the worker. Time is driven by moving
the queued jobs' `run_after` to the past ("the gathering minute has passed"), never waited for."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from tests.conftest import csrf_token
from tests.factories import REASON, approve_segments, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from tests.pg_cluster import free_port
from webapp.accounts import services as users
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_worker
from webapp.notifications.kinds import Kind
from webapp.notifications.mail import settings
from webapp.notifications.models import Notification
from webapp.notifications.schemas import Choices

pytestmark = pytest.mark.backends("sqlite", "postgresql")

BASE = "https://desk.example.org"
TOKYO = "tokyo@example.org"
OSAKA = "osaka@example.org"


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


class SmtpServer:
    """An aiosmtpd server on a fixed free port that the test can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.received, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(make_app, smtp):
    # A failed send is retried a minute later (the test moves the clock), not at once.
    return make_app(
        MAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        BASE_URL=BASE,
        JOB_BACKOFF_SECONDS=60,
    )


@pytest.fixture
def desk(app):
    """A liaison; two Japanese translators (Tokyo reads the desk in Japanese, in Tokyo time);
    an English summary whose Japanese draft the machine made."""
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    tokyo = staff_headers(app, "translator", ["ja"], email=TOKYO)
    osaka = staff_headers(app, "translator", ["ja"], email=OSAKA)
    with app.app_context():
        person = users.find_user(db.session, TOKYO)
        users.set_ui_locale(db.session, person, "ja")
        users.set_time_zone(db.session, person, "Asia/Tokyo")
        db.session.commit()
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    return {
        "client": client,
        "liaison": liaison,
        "tokyo": tokyo,
        "osaka": osaka,
        "summary": made,
        "tr": made["translations"]["ja"]["id"],
    }


def time_passes(app, kind: str = "notify_mail") -> int:
    """Every queued job of `kind` is due now (its time came); how many there were."""
    with app.app_context():
        past = utcnow() - timedelta(seconds=1)
        res = db.session.execute(
            update(Job)
            .where(Job.kind == kind, Job.status == JobStatus.QUEUED)
            .values(run_after=past)
        )
        db.session.commit()
        return res.rowcount


def queued(app, kind: str) -> list[Job]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Job).where(Job.kind == kind, Job.status == JobStatus.QUEUED).order_by(Job.id)
            )
        )


def lines(app, address: str, kind: str | None = None) -> list[Notification]:
    with app.app_context():
        person = users.find_user(db.session, address)
        query = select(Notification).where(Notification.recipient_id == person.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(db.session.scalars(query.order_by(Notification.id)))


def assign(desk, assignee: str | None = TOKYO, needed_by: datetime | None = None):
    body: dict = {"assignee": assignee}
    if needed_by is not None:
        body["needed_by"] = needed_by.isoformat()
    resp = desk["client"].patch(
        f"/api/v1/translations/{desk['tr']}/assignment", json=body, headers=desk["liaison"]
    )
    assert resp.status_code == 200, resp.json
    return resp


def set_prefs(desk, who: str, prefs: dict[str, str]):
    return desk["client"].put(
        "/api/v1/account/notifications", json={"preferences": prefs}, headers=desk[who]
    )


def approve_all(desk, headers) -> None:
    approve_segments(desk["client"], headers, desk["tr"])


def test_assigning_japanese_sends_one_mail_in_japanese_with_the_review_link(app, desk, smtp):
    needed_by = datetime(2031, 1, 16, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assign(desk, TOKYO, needed_by)
    assert run_worker(app, burst=True) == 0  # gathered for a minute first
    assert smtp.received.messages == []

    assert time_passes(app) == 1
    run_worker(app, burst=True)
    (mail,) = smtp.received.messages
    assert mail["To"] == TOKYO
    assert str(mail["Subject"]).strip() == "架け橋: 翻訳があなたの担当になりました"
    body = text_of(mail)
    review = f"{BASE}/review/translations/{desk['tr']}"
    assert review in body and f'href="{review}"' in html_of(mail)
    assert "日本語" in body  # the language, named in Japanese
    assert "JST" in body and "UTC" not in body  # the time in Tokyo, named
    assert "期限: 2031年1月16日 8:30 JST" in body
    run_worker(app, burst=True)
    assert len(smtp.received.messages) == 1  # sent once
    (line,) = lines(app, TOKYO, "assigned")
    assert line.mailed_at is not None


def test_a_burst_of_forty_changes_is_one_inbox_line_and_one_mail(app, desk, smtp):
    """Osaka edits and approves the translation assigned to Tokyo 20 times (40 status changes):
    Tokyo, who asked for "waiting" mail at once, gets one line counting 20 and one mail."""
    assign(desk, TOKYO)
    assert set_prefs(desk, "tokyo", {"waiting": "immediate"}).status_code == 200
    approve_all(desk, desk["osaka"])
    time_passes(app)
    run_worker(app, burst=True)
    smtp.received.messages.clear()
    client, tr_id, osaka = desk["client"], desk["tr"], desk["osaka"]
    seg = client.get(f"/api/v1/translations/{tr_id}", headers=osaka).json["segments"][0]
    for n in range(20):
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"手で訳した文その{n}。",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=osaka,
        )
        assert resp.status_code == 200, resp.json
        seg = resp.json
        assert (
            client.post(f"/api/v1/translations/{tr_id}/approve", headers=osaka).status_code == 200
        )
    (line,) = lines(app, TOKYO, "waiting")
    assert line.count == 21  # the machine's draft, then twenty edits
    assert len(queued(app, "notify_mail")) == 1
    time_passes(app)
    run_worker(app, burst=True)
    (mail,) = smtp.received.to(TOKYO)
    assert "21" in text_of(mail)
    # The one who did it is not told: Osaka's line is the machine draft's alone.
    assert [line.count for line in lines(app, OSAKA, "waiting")] == [1]


def test_the_actor_is_never_told(app, desk, smtp):
    client = desk["client"]
    resp = client.patch(
        f"/api/v1/translations/{desk['tr']}/assignment",
        json={"assignee": TOKYO},
        headers=desk["tokyo"],
    )
    assert resp.status_code == 200, resp.json  # Tokyo claims it
    assert lines(app, TOKYO, "assigned") == []
    liaison_email = "liaison-all@example.org"
    asked = client.post(
        f"/api/v1/summaries/{desk['summary']['id']}/questions",
        json={
            "body": "Is 'Secretary of War' the official title now?",
            "mentions": [liaison_email, OSAKA],
        },
        headers=desk["liaison"],
    )
    assert asked.status_code == 201, asked.json
    assert lines(app, liaison_email) == []
    assert [line.kind for line in lines(app, OSAKA)] == ["waiting", "question"]
    answered = client.post(
        f"/api/v1/questions/{asked.json['id']}/answers",
        json={"body": "Yes."},
        headers=desk["liaison"],
    )
    assert answered.status_code == 201, answered.json
    assert lines(app, liaison_email) == []  # an answer to one's own question
    time_passes(app)
    run_worker(app, burst=True)
    assert [m["To"] for m in smtp.received.messages] == [OSAKA]


def test_preference_off_keeps_the_inbox_but_sends_no_mail(app, desk, smtp):
    assert set_prefs(desk, "tokyo", {"assigned": "never"}).status_code == 200
    assign(desk, TOKYO)
    assert len(lines(app, TOKYO, "assigned")) == 1
    assert queued(app, "notify_mail") == []
    time_passes(app)
    run_worker(app, burst=True)
    assert smtp.received.messages == []


@pytest.mark.parametrize("frequency", ["hourly", "daily"])
def test_a_digest_gathers_several_into_one_mail_at_its_time(app, desk, smtp, frequency):
    assert (
        set_prefs(desk, "tokyo", {"question": frequency, "assigned": frequency}).status_code == 200
    )
    before = utcnow()
    assign(desk, TOKYO)
    asked = desk["client"].post(
        f"/api/v1/summaries/{desk['summary']['id']}/questions",
        json={"body": "Which title do we use?", "mentions": [TOKYO]},
        headers=desk["liaison"],
    )
    assert asked.status_code == 201, asked.json
    (job,) = queued(app, "notify_mail")
    local = job.run_after.astimezone(ZoneInfo("Asia/Tokyo"))
    if frequency == "hourly":
        assert (local.minute, local.second) == (0, 0)
        assert before < job.run_after <= before + timedelta(hours=1)
    else:
        assert (local.hour, local.minute) == (8, 0)  # 08:00 in Tokyo
        assert before < job.run_after <= before + timedelta(days=1)
    run_worker(app, burst=True)
    assert smtp.received.messages == []  # not before its time

    time_passes(app)
    run_worker(app, burst=True)
    (mail,) = smtp.received.messages
    body = text_of(mail)
    assert f"/review/translations/{desk['tr']}" in body
    assert f"/questions/{asked.json['id']}" in body


def deadline_lines(app) -> dict[str, int]:
    return {
        str(line.kind): line.count
        for line in lines(app, TOKYO)
        if str(line.kind) in ("due_soon", "overdue")
    }


def test_due_soon_and_overdue_fire_once_at_their_times(app, desk, smtp):
    needed_by = (utcnow() + timedelta(hours=5)).replace(microsecond=0)
    assign(desk, TOKYO, needed_by)
    jobs = {j.payload["kind"]: j.run_after for j in queued(app, "notify_deadline")}
    assert jobs == {"due_soon": needed_by - timedelta(hours=2), "overdue": needed_by}
    run_worker(app, burst=True)
    assert deadline_lines(app) == {}

    time_passes(app, "notify_deadline")
    run_worker(app, burst=True)
    run_worker(app, burst=True)
    assert deadline_lines(app) == {"due_soon": 1, "overdue": 1}
    time_passes(app)
    run_worker(app, burst=True)
    (mail,) = smtp.received.messages
    assert mail["To"] == TOKYO


def test_a_moved_deadline_or_an_approval_silences_the_old_reminders(app, desk, smtp):
    first = (utcnow() + timedelta(hours=5)).replace(microsecond=0)
    assign(desk, TOKYO, first)
    assign(desk, TOKYO, first + timedelta(days=1))
    assert len(queued(app, "notify_deadline")) == 4
    time_passes(app, "notify_deadline")
    run_worker(app, burst=True)
    assert deadline_lines(app) == {"due_soon": 1, "overdue": 1}  # the moved one's jobs did nothing

    assign(desk, TOKYO, first + timedelta(days=2))
    approve_all(desk, desk["tokyo"])
    time_passes(app, "notify_deadline")
    run_worker(app, burst=True)
    assert deadline_lines(app) == {"due_soon": 1, "overdue": 1}  # approved: nothing more


def test_smtp_down_fails_the_job_and_the_mail_arrives_once_it_is_back(app, desk, smtp):
    smtp.stop()
    assign(desk, TOKYO)
    time_passes(app)
    run_worker(app, burst=True)
    (job,) = queued(app, "notify_mail")
    assert job.attempts == 1 and job.last_error
    assert lines(app, TOKYO, "assigned")[0].mailed_at is None
    assert job.run_after > utcnow()  # retried after the backoff

    smtp.start()
    time_passes(app)
    run_worker(app, burst=True)
    (mail,) = smtp.received.messages
    assert mail["To"] == TOKYO
    assert lines(app, TOKYO, "assigned")[0].mailed_at is not None
    time_passes(app)
    run_worker(app, burst=True)
    assert len(smtp.received.messages) == 1  # nothing doubled


def test_inbox_page_api_count_and_mark_read(app, desk):
    client = desk["client"]
    assign(desk, TOKYO)
    got = client.get("/api/v1/notifications", headers=desk["tokyo"]).json
    assert got["unread"] == 2
    assert [n["kind"] for n in got["notifications"]] == ["assigned", "waiting"]  # newest first
    assert got["notifications"][0]["url"] == f"/review/translations/{desk['tr']}"

    login(client, TOKYO)
    page = client.get("/manage/inbox").get_data(as_text=True)
    assert f'href="/review/translations/{desk["tr"]}"' in page
    assert page.count("inbox-line unread") == 2
    assert '<span class="count"' in page and ">2</span>" in page  # the navigation's count
    line_id = got["notifications"][0]["id"]
    resp = client.post(
        "/manage/inbox/read", data={"id": str(line_id), "csrf_token": csrf_token(page)}
    )
    assert resp.status_code == 302
    unread = client.get("/api/v1/notifications?unread=1", headers=desk["tokyo"]).json
    assert [n["kind"] for n in unread["notifications"]] == ["waiting"]

    resp = client.post("/api/v1/notifications/read", json={"all": True}, headers=desk["tokyo"])
    assert resp.status_code == 200 and resp.json == {"marked": 1, "unread": 0}
    page = client.get("/manage/inbox").get_data(as_text=True)
    assert "inbox-line unread" not in page
    bad = client.post("/api/v1/notifications/read", json={}, headers=desk["tokyo"])
    assert bad.status_code == 422 and "ids" in bad.json["fields"]
    bad = client.get("/api/v1/notifications?unread=yes", headers=desk["tokyo"])
    assert bad.status_code == 422 and "unread" in bad.json["fields"]


def test_bad_preferences_get_field_errors(app, desk):
    client = desk["client"]
    resp = set_prefs(desk, "tokyo", {"assigned": "weekly", "gossip": "daily"})
    assert resp.status_code == 422
    assert set(resp.json["fields"]) >= {"preferences.assigned", "preferences.gossip"}
    resp = client.put(
        "/api/v1/account/notifications", json={"preferences": []}, headers=desk["tokyo"]
    )
    assert resp.status_code == 422 and "preferences" in resp.json["fields"]
    got = client.get("/api/v1/account/notifications", headers=desk["tokyo"]).json
    assert got["preferences"]["assigned"] == "immediate"  # unchanged, the default

    login(client, TOKYO)
    page = client.get("/manage/account/notifications").get_data(as_text=True)
    resp = client.post(
        "/manage/account/notifications",
        data={"assigned": "weekly", "question": "daily", "csrf_token": csrf_token(page)},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="pref-assigned-error"' in html and 'aria-invalid="true"' in html
    resp = client.post(
        "/manage/account/notifications",
        data={"assigned": "hourly", "csrf_token": csrf_token(page)},
    )
    assert resp.status_code == 302
    got = client.get("/api/v1/account/notifications", headers=desk["tokyo"]).json
    assert got["preferences"]["assigned"] == "hourly"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, {"MAIL_BACKEND": "dummy"}),
        ("off", {"MAIL_BACKEND": "dummy"}),
        ("console", {"MAIL_BACKEND": "console"}),
        (
            "smtp://me%40x.org:s3cret@mail.example.org:587?starttls=1",
            {
                "MAIL_SERVER": "mail.example.org",
                "MAIL_PORT": 587,
                "MAIL_USERNAME": "me@x.org",
                "MAIL_PASSWORD": "s3cret",
                "MAIL_USE_TLS": True,
                "MAIL_USE_SSL": False,
            },
        ),
        (
            "smtps://mail.example.org",
            {"MAIL_PORT": 465, "MAIL_USE_SSL": True, "MAIL_USE_TLS": False},
        ),
    ],
)
def test_mail_url_is_read_in_one_place(url, expected):
    got = settings(url, testing=True)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:port"])
def test_a_bad_mail_url_is_refused_with_a_reason(url):
    with pytest.raises(ValueError, match="MAIL_URL"):
        settings(url, testing=False)


def test_the_api_offers_every_kind():
    """The API's preference fields are the kinds, one for one."""
    assert set(Choices.model_fields) == {str(k) for k in Kind}


def test_published_and_withdrawn_tell_the_author_and_the_translators_who_worked_on_it(app, desk):
    """A second liaison publishes Japanese: the author and Tokyo, who approved it, are told;
    Osaka, who did nothing on it, is not; the second liaison is the actor."""
    approve_all(desk, desk["tokyo"])
    other = staff_headers(app, "liaison", email="second@example.org")
    url = f"/api/v1/summaries/{desk['summary']['id']}"
    client = desk["client"]
    assert client.post(f"{url}/publish", json={"locales": ["ja"]}, headers=other).status_code == 200
    withdraw = {"locales": ["ja"], "reason": "The date was wrong."}
    assert client.post(f"{url}/withdraw", json=withdraw, headers=other).status_code == 200
    for who in ("liaison-all@example.org", TOKYO):
        kinds = [str(line.kind) for line in lines(app, who)]
        assert "published" in kinds and "withdrawn" in kinds, (who, kinds)
    osaka = [str(line.kind) for line in lines(app, OSAKA)]
    assert "published" not in osaka and "withdrawn" not in osaka
    assert lines(app, "second@example.org") == []


def test_disabled_people_are_not_told(app, desk):
    """A question on a segment goes to the author and the assignee; a disabled assignee is left
    out, and so is the asker."""
    assign(desk, TOKYO)
    with app.app_context():
        users.set_active(db.session, users.find_user(db.session, TOKYO), False, actor=None)
        db.session.commit()
    client = desk["client"]
    seg = client.get(f"/api/v1/translations/{desk['tr']}", headers=desk["osaka"]).json["segments"][
        0
    ]
    asked = client.post(
        f"/api/v1/summaries/{desk['summary']['id']}/questions",
        json={"body": "Which title?", "segment_id": seg["id"]},
        headers=desk["osaka"],
    )
    assert asked.status_code == 201, asked.json
    assert [str(line.kind) for line in lines(app, "liaison-all@example.org")] == ["question"]
    assert [str(line.kind) for line in lines(app, TOKYO)] == ["waiting", "assigned"]
    assert [str(line.kind) for line in lines(app, OSAKA)] == ["waiting"]


def test_a_failed_machine_translation_tells_the_author(make_app, smtp, tmp_path):
    """No model installed: the engine fails the Japanese draft, and the liaison who wrote the
    summary hears of it by mail (the system acted, so nobody is left out as the actor)."""
    app = make_app(
        MAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        BASE_URL=BASE,
        ARGOS_PACKAGES_DIR=str(tmp_path / "no-models"),
    )
    liaison = staff_headers(app, "liaison")
    made = app.test_client().post("/api/v1/summaries", json=summary_payload(), headers=liaison)
    assert made.status_code == 201, made.json
    run_worker(app, burst=True)
    (line,) = lines(app, "liaison-all@example.org", "failed")
    assert line.translation_id == made.json["translations"]["ja"]["id"]
    time_passes(app)
    run_worker(app, burst=True)
    (mail,) = smtp.received.messages
    # A liaison does not review: the link opens the summary's page, where its languages are.
    assert f"{BASE}/manage/summaries/{made.json['id']}" in text_of(mail)


def test_marking_read_refuses_ids_that_cannot_be_ids(app, desk):
    for ids in ([0], [2**63], ["1"], [None]):
        resp = desk["client"].post(
            "/api/v1/notifications/read", json={"ids": ids}, headers=desk["tokyo"]
        )
        assert resp.status_code == 422 and "ids" in resp.json["fields"], (ids, resp.json)
    # Another person's line is not theirs to mark.
    assign(desk, TOKYO)
    theirs = lines(app, TOKYO, "assigned")[0].id
    resp = desk["client"].post(
        "/api/v1/notifications/read", json={"ids": [theirs]}, headers=desk["osaka"]
    )
    assert resp.status_code == 200 and resp.json["marked"] == 0
    assert lines(app, TOKYO, "assigned")[0].read_at is None


def test_a_line_read_in_the_inbox_before_its_mail_left_is_not_mailed(app, desk, smtp):
    assign(desk, TOKYO)
    resp = desk["client"].post(
        "/api/v1/notifications/read", json={"all": True}, headers=desk["tokyo"]
    )
    assert resp.status_code == 200
    time_passes(app)
    run_worker(app, burst=True)
    assert smtp.received.messages == []


def test_links_keep_a_path_prefix_of_base_url(make_app, smtp):
    app = make_app(MAIL_URL=f"smtp://127.0.0.1:{smtp.port}", BASE_URL=f"{BASE}/desk")
    desk_ = {"client": app.test_client(), "liaison": staff_headers(app, "liaison")}
    staff_headers(app, "translator", ["ja"], email=TOKYO)
    made = (
        desk_["client"]
        .post("/api/v1/summaries", json=summary_payload(), headers=desk_["liaison"])
        .json
    )
    desk_["tr"] = made["translations"]["ja"]["id"]
    assign(desk_, TOKYO)
    time_passes(app)
    run_worker(app, burst=True)
    (mail,) = smtp.received.messages
    assert f"{BASE}/desk/review/translations/{desk_['tr']}" in text_of(mail)
    assert "/desk/desk/" not in text_of(mail)
