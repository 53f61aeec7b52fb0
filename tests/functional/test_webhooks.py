"""Webhooks (issue 18, item 4): an admin registers a URL and events; each event is POSTed to it,
signed (HMAC-SHA256 over "t.body"), retried with backoff by the queue, listed with its status.

A real HTTP server in a thread receives the requests and checks each signature itself, as a
receiver would, with its own HMAC code rather than the app's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select, update

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user, staff_headers, summary_payload
from webapp.accounts import services as users
from webapp.audit.models import AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs.models import Job
from webapp.jobs.worker import run_worker
from webapp.questions import services as questions
from webapp.questions.schemas import QuestionIn
from webapp.summaries.models import Summary
from webapp.webhooks.models import Delivery

pytestmark = pytest.mark.backends("sqlite", "postgresql")

ADMIN = "admin@example.org"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        """The receiver's check: v1 is HMAC-SHA256(secret, "t.body") and t is recent."""
        parts = dict(p.split("=", 1) for p in self.headers["Kakehashi-Signature"].split(","))
        mac = hmac.new(secret.encode(), parts["t"].encode() + b"." + self.body, hashlib.sha256)
        fresh = abs(time.time() - int(parts["t"])) <= 300
        return fresh and hmac.compare_digest(mac.hexdigest(), parts["v1"])


@dataclass
class Receiver:
    """An HTTP server that records every request and answers with the statuses it is told."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # then 200
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    made = Receiver()
    made.start()
    yield made
    made.stop()


@pytest.fixture
def admin(app):
    return staff_headers(app, "admin", email=ADMIN)


def add_hook(client, admin, url, events, **extra):
    resp = client.post(
        "/api/v1/webhooks", json={"url": url, "events": events, **extra}, headers=admin
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def deliveries(client, admin, hook):
    resp = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin)
    assert resp.status_code == 200, resp.json
    return resp.json["deliveries"]


def sign_in(app, client, email=ADMIN) -> None:
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


def test_each_subscribed_event_arrives_once_signed(app, client, admin, receiver):
    wanted = ["translation.assigned", "question.asked", "summary.published"]
    hook = add_hook(client, admin, receiver.url("/on"), wanted, description="Chat")
    add_hook(client, admin, receiver.url("/off"), wanted, active=False)
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"], email="tokyo@example.org")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(
        app, burst=True
    )  # machine drafts (summary.revised and translation.waiting: unwanted)
    tr_id = made["translations"]["ja"]["id"]
    assigned = client.patch(
        f"/api/v1/translations/{tr_id}/assignment",
        json={"assignee": "tokyo@example.org", "needed_by": "2030-01-16T08:30:00+09:00"},
        headers=liaison,
    )
    assert assigned.status_code == 200, assigned.json
    asked = client.post(
        f"/api/v1/summaries/{made['id']}/questions",
        json={"body": "Is 'Secretary of War' the official title now?"},
        headers=translator,
    )
    assert asked.status_code == 201, asked.json
    published = client.post(
        f"/api/v1/summaries/{made['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    assert published.status_code == 200, published.json
    assert receiver.requests == []  # nothing is sent inside a request: the worker sends
    run_worker(app, burst=True)

    got = receiver.requests
    assert sorted(r.json["event"] for r in got) == sorted(wanted)
    assert {r.path for r in got} == {"/on"}  # the inactive webhook got nothing
    for r in got:
        assert r.signed_with(hook["secret"])
        assert r.headers["Content-Type"] == "application/json"
        assert r.headers["User-Agent"] == "Kakehashi-Webhooks"
        assert r.headers["Kakehashi-Event"] == r.json["event"]
        assert r.headers["Kakehashi-Delivery"] == r.json["id"]
        assert r.json["data"]["summary_id"] == made["id"]
        assert r.json["data"]["summary"]["title"] == summary_payload()["title"]
        assert r.json["occurred_at"].endswith("+00:00")
    assert len({r.json["id"] for r in got}) == 3
    by_event = {r.json["event"]: r.json["data"] for r in got}
    assert by_event["summary.published"]["summary"]["public_url"].endswith(
        f"/en/summaries/{made['slug']}"
    )
    assert by_event["translation.assigned"]["locale"] == "ja"

    listed = deliveries(client, admin, hook)
    assert [(d["status"], d["attempts"], d["response_code"]) for d in listed] == [
        ("delivered", 1, 200)
    ] * 3
    run_worker(app, burst=True)
    assert len(receiver.requests) == 3  # once each, never again


def test_an_answer_500_is_retried_after_its_backoff_and_listed_with_two_attempts(
    app, client, admin, receiver
):
    hook = add_hook(client, admin, receiver.url(), ["summary.published"])
    receiver.answers = [500]
    pinged = client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=admin)
    assert pinged.status_code == 202, pinged.json
    run_worker(app, burst=True)
    [waiting] = deliveries(client, admin, hook)
    assert (waiting["status"], waiting["attempts"]) == ("pending", 1)
    assert "500" in waiting["error"] and waiting["next_try_at"] is not None
    run_worker(app, burst=True)
    assert len(receiver.requests) == 1  # the retry waits for its backoff (30 s by default)

    with app.app_context():  # the clock moves on to the retry's time
        db.session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    run_worker(app, burst=True)
    [done] = deliveries(client, admin, hook)
    assert (done["status"], done["attempts"], done["response_code"]) == ("delivered", 2, 200)
    first, second = receiver.requests
    assert first.headers["Kakehashi-Delivery"] == second.headers["Kakehashi-Delivery"]
    assert first.body == second.body and second.signed_with(hook["secret"])
    assert second.json["event"] == "ping"


def test_a_receiver_down_fails_after_the_last_attempt_then_delivers_again(make_app, receiver):
    app = make_app(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_BACKOFF_SECONDS=0)
    client = app.test_client()
    make_user(app, "admin", email=ADMIN)
    admin = staff_headers(app, "admin", email="api-admin@example.org")
    hook = add_hook(client, admin, receiver.url(), ["question.asked"])
    receiver.stop()  # the port stays ours to start it on again
    client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=admin)
    run_worker(app, burst=True)
    [failed] = deliveries(client, admin, hook)
    assert (failed["status"], failed["attempts"], failed["next_try_at"]) == ("failed", 3, None)
    assert "No answer" in failed["error"]

    receiver.start()
    sign_in(app, client)
    page = client.get(f"/manage/webhooks/{hook['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Deliver again" in html
    again = client.post(
        f"/manage/webhooks/{hook['id']}/deliveries/{failed['id']}/redeliver",
        data={"csrf_token": csrf_token(html)},
    )
    assert again.status_code == 302
    run_worker(app, burst=True)
    [done] = deliveries(client, admin, hook)
    assert (done["status"], done["response_code"]) == ("delivered", 200)
    [got] = receiver.requests
    assert got.headers["Kakehashi-Delivery"] == failed["delivery_id"]
    assert got.signed_with(hook["secret"])
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("webhook.")] == [
        "webhook.create", "webhook.ping", "webhook.redeliver"
    ]  # fmt: skip


def test_a_new_secret_signs_what_is_sent_from_then_on(app, client, admin, receiver):
    hook = add_hook(client, admin, receiver.url(), ["summary.published"])
    client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=admin)
    run_worker(app, burst=True)
    rotated = client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=admin).json
    assert rotated["secret"] != hook["secret"]
    client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=admin)
    run_worker(app, burst=True)
    before, after = receiver.requests
    assert before.signed_with(hook["secret"]) and not before.signed_with(rotated["secret"])
    assert after.signed_with(rotated["secret"]) and not after.signed_with(hook["secret"])


def test_an_event_rolled_back_sends_nothing(app, client, admin, receiver):
    """Asking a question whose transaction rolls back leaves no delivery and no job behind."""
    hook = add_hook(client, admin, receiver.url(), ["question.asked"])
    liaison = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    with app.app_context():
        jobs_before = db.session.scalar(select(func.count(Job.id)))
        summary = db.session.get(Summary, made["id"])
        asker = users.find_user(db.session, "liaison-all@example.org")
        questions.ask(db.session, summary, asker, QuestionIn(body="Which date?"))
        assert db.session.scalar(select(func.count(Delivery.id))) == 1  # in its transaction
        db.session.rollback()
        assert db.session.scalar(select(func.count(Delivery.id))) == 0
        assert db.session.scalar(select(func.count(Job.id))) == jobs_before
    run_worker(app, burst=True)
    assert receiver.requests == [] and deliveries(client, admin, hook) == []

    asked = client.post(
        f"/api/v1/summaries/{made['id']}/questions", json={"body": "Which date?"}, headers=liaison
    )
    assert asked.status_code == 201  # the same question committed is sent
    run_worker(app, burst=True)
    assert [r.json["event"] for r in receiver.requests] == ["question.asked"]


def test_an_admin_changes_what_a_webhook_wants_then_deletes_it(app, client, admin, receiver):
    hook = add_hook(client, admin, receiver.url(), ["summary.published"])
    base = f"/api/v1/webhooks/{hook['id']}"
    unknown = client.patch(base, json={"events": ["summary.eaten"]}, headers=admin)
    assert unknown.status_code == 422 and set(unknown.json["fields"]) == {"events"}
    changed = client.patch(
        base, json={"events": ["question.asked"], "description": "Tokyo desk"}, headers=admin
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["events"], changed.json["description"]) == (
        ["question.asked"],
        "Tokyo desk",
    )

    make_user(app, "admin", email="pages-admin@example.org")
    sign_in(app, client, "pages-admin@example.org")
    page = client.get(f"/manage/webhooks/{hook['id']}").get_data(as_text=True)
    off = client.post(
        f"/manage/webhooks/{hook['id']}",
        data={"events": ["question.asked"], "description": "Off", "csrf_token": csrf_token(page)},
    )
    assert off.status_code == 302
    assert client.get(base, headers=admin).json["active"] is False

    liaison = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    client.post(f"/api/v1/summaries/{made['id']}/questions", json={"body": "?"}, headers=liaison)
    run_worker(app, burst=True)
    assert receiver.requests == [] and deliveries(client, admin, hook) == []  # turned off

    client.post(f"{base}/ping", headers=admin)
    assert client.delete(base, headers=admin).status_code == 204
    run_worker(app, burst=True)  # its queued delivery went with it
    assert receiver.requests == []
    assert client.get(base, headers=admin).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Delivery.id))) == 0
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("webhook.")] == [
        "webhook.create", "webhook.update", "webhook.update", "webhook.ping", "webhook.delete"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "events", "bad"),
    [
        ("ftp://chat.example.org/hook", ["summary.published"], {"url"}),
        ("https://user:secret@chat.example.org/hook", ["summary.published"], {"url"}),
        ("/relative/hook", ["summary.published"], {"url"}),
        ("https://", ["summary.published"], {"url"}),
        ("https://chat.example.org:99999/", ["summary.published"], {"url"}),
        ("https://chat.example.org/" + "a" * 2000, ["summary.published"], {"url"}),
        ("https://chat.example.org/hook", ["summary.eaten"], {"events"}),
        ("https://chat.example.org/hook", [], {"events"}),
        ("javascript:alert(1)", ["nope"], {"url", "events"}),
    ],
)
def test_bad_addresses_and_unknown_events_are_field_errors(app, client, admin, url, events, bad):
    resp = client.post("/api/v1/webhooks", json={"url": url, "events": events}, headers=admin)
    assert resp.status_code == 422, resp.json
    assert set(resp.json["fields"]) == bad
    assert client.get("/api/v1/webhooks", headers=admin).json["webhooks"] == []


def test_the_form_shows_a_bad_address_beside_its_field(app, client, admin):
    make_user(app, "admin", email="pages-admin@example.org")
    sign_in(app, client, "pages-admin@example.org")
    page = client.get("/manage/webhooks/")
    assert page.status_code == 200
    resp = client.post(
        "/manage/webhooks/",
        data={
            "url": "ftp://chat.example.org/hook",
            "events": ["summary.published"],
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="url-error-1"' in html and "http:// or https://" in html
    assert client.get("/api/v1/webhooks", headers=admin).json["webhooks"] == []


def test_the_pages_in_japanese(app, client, admin, receiver):
    hook = add_hook(client, admin, receiver.url(), ["summary.published"])
    with app.app_context():
        make_user(app, "admin", email="ja-admin@example.org")
        users.find_user(db.session, "ja-admin@example.org").ui_locale = "ja"
        db.session.commit()
    sign_in(app, client, "ja-admin@example.org")
    for path in ("/manage/webhooks/", f"/manage/webhooks/{hook['id']}"):
        resp = client.get(path)
        assert resp.status_code == 200
        assert '<html lang="ja"' in resp.get_data(as_text=True)
    assert hook["secret"] in client.get(f"/manage/webhooks/{hook['id']}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["liaison", "translator"])
def test_only_admins_manage_webhooks(app, client, admin, receiver, role):
    hook = add_hook(client, admin, receiver.url(), ["summary.published"])
    other = staff_headers(app, role, ["ja"] if role == "translator" else None)
    base = f"/api/v1/webhooks/{hook['id']}"
    for method, path in [
        ("get", "/api/v1/webhooks"),
        ("post", "/api/v1/webhooks"),
        ("patch", base),
        ("delete", base),
        ("get", f"{base}/deliveries"),
        ("post", f"{base}/ping"),
    ]:
        resp = getattr(client, method)(path, json={}, headers=other)
        assert resp.status_code == 403, (method, path)
    email = make_user(app, role, email=f"pages-{role}@example.org")
    sign_in(app, client, email)
    assert client.get("/manage/webhooks/").status_code == 403
    assert client.get(f"/manage/webhooks/{hook['id']}").status_code == 403
    with app.app_context():  # an admin's token issued for reading cannot see the secrets
        owner = users.find_user(db.session, ADMIN)
        token = users.issue_token(db.session, owner, name="read", scopes=["read"])
        db.session.commit()
    read_only = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/webhooks", headers=read_only).status_code == 403
    assert client.get("/api/v1/webhooks", headers=admin).status_code == 200
