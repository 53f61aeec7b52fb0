"""Inviting users from the users page and the API (issue 21, item 11): an account with no
usable password and a one-time link that expires, works once, is stored only as a hash, and is
voided by a newer invite; mailed in the invitee's language through a job when mail is set up."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from tests.conftest import csrf_token
from tests.factories import make_user, sign_in, staff_headers
from tests.functional.test_notifications import SmtpServer, text_of
from webapp.accounts import services as users
from webapp.accounts.models import Invite, User
from webapp.accounts.passwords import UNUSABLE
from webapp.audit.models import AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")

NEW = "kenji@example.org"
GOOD_PASSWORD = "lantern orchard velvet ninety"
LINK = re.compile(r'id="invite-url" type="text" value="([^"]+)"')


def invite_form(client, **fields):
    page = client.get("/admin/users/").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "ui_locale": "en", **fields}
    return client.post("/admin/users/", data=data)


def path_of(link: str) -> str:
    return urlsplit(link).path


def accept_form(client, path: str, password: str = GOOD_PASSWORD, confirm: str | None = None):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "new_password": password,
        "confirm": password if confirm is None else confirm,
    }
    return client.post(path, data=data)


@pytest.fixture
def admin(app, client):
    email = make_user(app, "admin")
    sign_in(client, email)
    return email


def test_admin_invites_a_translator_who_sets_a_password_and_lands_on_the_queue(app, client, admin):
    page = client.get("/admin/users/").get_data(as_text=True)
    assert "flask users create" not in page and 'action="/admin/users/"' in page
    resp = invite_form(client, email="Kenji@Example.org", roles=["translator"], locales=["ja"])
    assert resp.status_code == 201, resp.get_data(as_text=True)
    html = resp.get_data(as_text=True)
    link = unescape(LINK.search(html).group(1))
    assert "No mail is configured" in html and 'data-copy="invite-url"' in html
    token = path_of(link).rsplit("/", 1)[1]
    with app.app_context():
        user = users.find_user(db.session, NEW)
        assert user.password_hash == UNUSABLE
        assert [(str(r.role), r.locale) for r in user.roles] == [("translator", "ja")]
        invite = db.session.scalar(select(Invite).where(Invite.user_id == user.id))
        assert token not in (invite.token_hash, invite.nonce)  # only its hash is kept
        assert invite.expires_at - invite.created_at == timedelta(hours=72)
    # The link is shown once: the users page no longer carries it.
    assert token not in client.get("/admin/users/").get_data(as_text=True)
    assert "Invited; link valid until" in client.get("/admin/users/").get_data(as_text=True)

    invitee = app.test_client()
    weak = accept_form(invitee, path_of(link), "password1234")
    assert weak.status_code == 422 and "too easy to guess" in weak.get_data(as_text=True)
    done = accept_form(invitee, path_of(link))
    assert done.status_code == 302 and done.headers["Location"].endswith("/review/")
    assert invitee.get("/review/").status_code == 200  # signed in
    # Used: the link answers 410 with what to do, and cannot set a password again.
    again = invitee.get(path_of(link))
    assert again.status_code == 410 and "used already" in again.get_data(as_text=True)
    fresh = app.test_client()
    sign_in(fresh, NEW, GOOD_PASSWORD)
    with app.app_context():
        actions = list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("user.%"), AuditEvent.object_id == user.id)
                .order_by(AuditEvent.id)
            )
        )
    assert actions == ["user.create", "user.invite", "user.invite_accepted"]


def test_refusals_stand_beside_their_fields_and_keep_the_input(app, client, admin):
    make_user(app, "liaison", email=NEW)
    dup = invite_form(client, email=NEW.upper(), roles=["liaison"])
    html = dup.get_data(as_text=True)
    assert dup.status_code == 422 and "already exists" in html
    assert re.search(r'id="email-error-1"[^>]*>A user with this email', html)
    assert f'value="{NEW.upper()}"' in html
    bad = invite_form(client, email="new@example.org", roles=["chief"], locales=["xx"])
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Roles are liaison, translator or admin." in html and "Use one of these locales" in html
    with app.app_context():
        assert not users.exists(db.session, "new@example.org")


def test_a_new_invite_voids_the_old_and_an_expired_link_is_gone(app, client, admin):
    first = unescape(LINK.search(invite_form(client, email=NEW, roles=["liaison"]).text).group(1))
    with app.app_context():
        user_id = users.find_user(db.session, NEW).id
    page = client.get("/admin/users/").get_data(as_text=True)
    resp = client.post(f"/admin/users/{user_id}/invite", data={"csrf_token": csrf_token(page)})
    assert resp.status_code == 201
    second = unescape(LINK.search(resp.get_data(as_text=True)).group(1))
    assert second != first
    invitee = app.test_client()
    old = invitee.get(path_of(first))
    assert old.status_code == 410 and "newer invitation" in old.get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    gone = invitee.get(path_of(second))
    assert gone.status_code == 410 and "expired" in gone.get_data(as_text=True)
    assert invitee.get("/invite/ki_nonsense").status_code == 404
    assert invitee.get("/invite/" + "x" * 5000).status_code == 404


def test_api_invites_refuses_and_accepts(app, client):
    admin = staff_headers(app, "admin")
    liaison = staff_headers(app, "liaison")
    body = {"email": NEW, "roles": ["translator"], "locales": ["ja"], "ui_locale": "ja"}
    assert client.post("/api/v1/users", json=body, headers=liaison).status_code == 403
    made = client.post("/api/v1/users", json=body, headers=admin)
    assert made.status_code == 201, made.json
    assert made.json["email"] == NEW and made.json["mailed"] is False
    token = made.json["invite_url"].rsplit("/", 1)[1]
    dup = client.post("/api/v1/users", json=body, headers=admin)
    assert dup.status_code == 422 and "email" in dup.json["fields"]
    bad = client.post(
        "/api/v1/users",
        json={"email": "x@example.org", "roles": ["translator"], "locales": ["xx"]},
        headers=admin,
    )
    assert bad.status_code == 422 and "locale" in bad.json["fields"]
    odd = client.post("/api/v1/users", json={"email": 3, "roles": "admin"}, headers=admin)
    assert odd.status_code == 422
    weak = client.post("/api/v1/invites/accept", json={"token": token, "password": "short"})
    assert weak.status_code == 422 and "new_password" in weak.json["fields"]
    ok = client.post("/api/v1/invites/accept", json={"token": token, "password": GOOD_PASSWORD})
    assert ok.status_code == 200 and ok.json["email"] == NEW
    used = client.post("/api/v1/invites/accept", json={"token": token, "password": GOOD_PASSWORD})
    assert used.status_code == 410 and "used already" in used.json["error"]
    spec = client.get("/api/v1/openapi.json").json
    assert "post" in spec["paths"]["/api/v1/users"] or "post" in spec["paths"].get("/users", {})


def test_invitation_mail_arrives_in_the_invitees_language(make_app, client):
    smtp = SmtpServer()
    smtp.start()
    try:
        app = make_app(
            MAIL_URL=f"smtp://127.0.0.1:{smtp.port}", BASE_URL="https://desk.example.org"
        )
        admin = staff_headers(app, "admin")
        client = app.test_client()
        body = {"email": NEW, "roles": ["translator"], "locales": ["ja"], "ui_locale": "ja"}
        made = client.post("/api/v1/users", json=body, headers=admin)
        assert made.status_code == 201 and made.json["mailed"] is True
        with app.app_context():
            job = db.session.scalar(select(Job).where(Job.kind == "invite_mail"))
            assert job is not None and "ki_" not in str(job.payload)  # the link is not stored
        run_worker(app, burst=True)
        (message,) = smtp.received.to(NEW)
        text = text_of(message)
        assert "招待" in str(message["Subject"]) and "パスワード" in text
        assert made.json["invite_url"] in text
        assert made.json["invite_url"].startswith("https://desk.example.org/invite/ki_")
        with app.app_context():
            status = db.session.scalar(select(Job.status).where(Job.kind == "invite_mail"))
            assert status == JobStatus.DONE
            person = db.session.scalar(select(User).where(User.email == NEW))
            assert person.ui_locale == "ja"
    finally:
        smtp.stop()
