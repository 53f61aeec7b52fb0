"""Sessions end when they should, passwords are argon2id and strong, sign-in is throttled."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from webapp.accounts import passwords
from webapp.accounts import services as users
from webapp.accounts.models import User, UserSession
from webapp.audit.models import AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db

NEW_PASSWORD = "granite lantern orbit meadow"


def sign_in(client, email: str, password: str = PASSWORD, **extra: str):
    page = client.get("/login").get_data(as_text=True)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page), **extra},
    )


def post_form(client, page_url: str, action: str, **data):
    """Submit a form as a browser would: CSRF token from the page that shows it."""
    page = client.get(page_url).get_data(as_text=True)
    return client.post(action, data={**data, "csrf_token": csrf_token(page)})


def cookie_of(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def reuse(app, cookie: str):
    """A second browser presenting a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/manage/")


@pytest.fixture
def liaison(app):
    return make_user(app, "liaison")


def test_a_cookie_copied_before_logout_no_longer_opens_staff_pages(app, client, liaison):
    assert sign_in(client, liaison).status_code == 302
    copied = cookie_of(client)
    assert reuse(app, copied).status_code == 200
    post_form(client, "/manage/", "/logout")
    assert reuse(app, copied).status_code == 302  # to the sign-in page
    assert "/login" in reuse(app, copied).headers["Location"]


def test_sign_in_starts_a_new_session_and_keeps_nothing_from_before(app, client, liaison):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
    sign_in(client, liaison)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("sid")


def test_sign_out_everywhere_ends_the_other_sessions_but_not_this_one(app, liaison):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, liaison)
    sign_in(phone, liaison)
    phone_cookie = cookie_of(phone)
    resp = post_form(laptop, "/account", "/account/sign-out-everywhere")
    assert resp.status_code == 302
    assert laptop.get("/manage/").status_code == 200
    assert reuse(app, phone_cookie).status_code == 302
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "auth.sign_out_everywhere")
        )


def test_a_password_change_ends_other_sessions_and_the_new_password_works(app, liaison):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, liaison)
    sign_in(phone, liaison)
    phone_cookie = cookie_of(phone)
    resp = post_form(
        laptop,
        "/account",
        "/account/password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert resp.status_code == 302
    assert laptop.get("/manage/").status_code == 200
    assert reuse(app, phone_cookie).status_code == 302
    fresh = app.test_client()
    assert sign_in(fresh, liaison).status_code == 422
    assert sign_in(fresh, liaison, NEW_PASSWORD).status_code == 302


def test_a_weak_or_wrong_password_change_is_a_form_error(app, client, liaison):
    sign_in(client, liaison)
    weak = post_form(
        client,
        "/account",
        "/account/password",
        current_password=PASSWORD,
        new_password="password1234",
        confirm="password1234",
    )
    assert weak.status_code == 422
    assert "too easy to guess" in weak.get_data(as_text=True)
    wrong = post_form(
        client,
        "/account",
        "/account/password",
        current_password="not my password at all",
        new_password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert wrong.status_code == 422
    assert "not your current password" in wrong.get_data(as_text=True)
    assert sign_in(app.test_client(), liaison).status_code == 302  # unchanged


def test_disabling_a_user_stops_their_sessions_and_tokens_at_once(app, client, runner, liaison):
    from tests.factories import bearer

    sign_in(client, liaison)
    headers = bearer(app, liaison)
    assert client.get("/api/v1/glossary", headers=headers).status_code == 200
    result = runner.invoke(args=["users", "disable", liaison])
    assert result.exit_code == 0, result.output
    assert client.get("/manage/").status_code == 302
    assert client.get("/api/v1/glossary", headers=headers).status_code == 401
    assert sign_in(app.test_client(), liaison).status_code == 422
    result = runner.invoke(args=["users", "enable", liaison])
    assert result.exit_code == 0
    assert sign_in(app.test_client(), liaison).status_code == 302


def test_idle_and_absolute_timeouts_end_a_session(app, client, liaison):
    sign_in(client, liaison)
    assert client.get("/manage/").status_code == 200
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
        db.session.commit()
    assert client.get("/manage/").status_code == 302

    sign_in(client, liaison)
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        row.created_at = utcnow() - timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
        db.session.commit()
    assert client.get("/manage/").status_code == 302


def test_an_old_scrypt_hash_still_signs_in_and_is_replaced_by_argon2id(app, client, liaison):
    with app.app_context():
        user = db.session.scalar(select(User))
        user.password_hash = generate_password_hash(PASSWORD)  # Werkzeug's scrypt, as before
        db.session.commit()
    assert sign_in(client, liaison).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    "password", ["short", "aaaaaaaaaaaaaaaa", "password1234", "qwertyuiop12", "liaison-all-1"]
)
def test_short_common_and_guessable_passwords_are_refused(app, runner, password):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "liaison-all@example.org",
            "--role",
            "liaison",
            "--password",
            password,
        ]
    )
    assert result.exit_code == 2
    assert "password" in result.output


def test_an_unknown_address_costs_the_same_argon2_work_as_a_known_one(app, liaison, monkeypatch):
    calls = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 - argon2-cffi's own parameter name
            calls.append(hash)
            return super().verify(hash, password)

    # The parameters the suite hashes with (tests/conftest.py), counted.
    counting = Counting.from_parameters(extract_parameters(passwords.HASHER.hash("x" * 12)))
    monkeypatch.setattr(passwords, "HASHER", counting)
    with app.app_context():
        assert users.authenticate(db.session, liaison, "wrong password here") is None
        known = list(calls)
        calls.clear()
        assert users.authenticate(db.session, "nobody@example.org", "wrong password here") is None
        unknown = list(calls)
    assert len(known) == len(unknown) == 1
    # Same algorithm and cost parameters: the dummy hash is an argon2id hash like a real one.
    assert known[0].split("$")[1:4] == unknown[0].split("$")[1:4]


def test_failed_sign_ins_are_slowed_per_account_with_retry_after(make_app):
    app = make_app(LOGIN_FREE_FAILURES_PER_ACCOUNT=3, LOGIN_DELAY_CAP_SECONDS=60)
    email = make_user(app, "liaison")
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, email, "wrong password here").status_code == 422
    blocked = sign_in(client, email)  # even the right password waits, a little
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 1
    assert "Too many" in blocked.get_data(as_text=True)
    other = make_user(app, "translator")
    assert sign_in(client, other).status_code == 302  # another account is not slowed
    with app.app_context():
        failures = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
        ).all()
    assert len(failures) == 3


def test_each_failure_past_the_allowance_doubles_the_wait_up_to_the_cap(make_app):
    """A progressive delay, not a lockout: a guesser gets one try per cap seconds, and the owner
    waits at most the cap for the right password (ASVS 2.2.1)."""
    from webapp.accounts import throttle

    app = make_app()
    policy = throttle.Policy(3, 30, timedelta(minutes=15), cap_seconds=60)
    with app.app_context():
        waits = []
        start = utcnow()
        for _ in range(12):
            throttle.failed(db.session, "x@example.org", "10.0.0.1", policy, now=start)
            waits.append(
                throttle.wait_seconds(db.session, "x@example.org", "10.0.0.9", policy, start)
            )
        assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
        later = start + timedelta(seconds=61)
        assert throttle.wait_seconds(db.session, "x@example.org", "10.0.0.9", policy, later) == 0
        forgotten = start + timedelta(minutes=16)
        throttle.failed(db.session, "x@example.org", "10.0.0.1", policy, now=forgotten)
        assert (
            throttle.wait_seconds(db.session, "x@example.org", "10.0.0.1", policy, forgotten) == 0
        )
        db.session.rollback()


def test_failed_sign_ins_are_slowed_per_address(make_app):
    app = make_app(LOGIN_FREE_FAILURES_PER_ADDRESS=4)
    client = app.test_client()
    for n in range(4):
        assert sign_in(client, f"guess{n}@example.org", "wrong password here").status_code == 422
    assert sign_in(client, "guess9@example.org", "wrong password here").status_code == 429


def test_the_count_is_shared_by_every_process(make_app):
    """Seen before: counted per process, two web workers allowed twice the failures (issue 22).
    Two apps on one database stand for two processes (or machines)."""
    one = make_app(LOGIN_FREE_FAILURES_PER_ACCOUNT=4)
    two = make_app(LOGIN_FREE_FAILURES_PER_ACCOUNT=4)
    email = make_user(one, "liaison")
    for app in (one, two, one, two):
        assert sign_in(app.test_client(), email, "wrong password here").status_code == 422
    assert sign_in(two.test_client(), email, "wrong password here").status_code == 429
    assert sign_in(one.test_client(), email).status_code == 429


def test_the_owner_gets_in_after_the_wait_and_starts_again_from_none(make_app):
    app = make_app(LOGIN_FREE_FAILURES_PER_ACCOUNT=2, LOGIN_DELAY_CAP_SECONDS=1)
    email = make_user(app, "liaison")
    for _ in range(5):
        sign_in(app.test_client(), email, "wrong password here")
    assert sign_in(app.test_client(), email).status_code == 429
    time.sleep(1.1)  # the cap: however many guesses came before
    assert sign_in(app.test_client(), email).status_code == 302
    assert sign_in(app.test_client(), email, "wrong password here").status_code == 422


def test_successful_sign_ins_do_not_count_towards_the_limit(make_app):
    app = make_app(LOGIN_FREE_FAILURES_PER_ACCOUNT=1)
    email = make_user(app, "liaison")
    for _ in range(4):
        assert sign_in(app.test_client(), email).status_code == 302


def test_sign_in_and_out_are_audited(app, client, liaison):
    sign_in(client, liaison)
    post_form(client, "/manage/", "/logout")
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.create", "auth.login", "auth.logout"]


def test_the_dummy_hash_never_verifies():
    assert not passwords.verify(None, "").ok
    assert not passwords.verify(passwords.UNUSABLE, "!").ok


def test_an_admin_disables_and_enables_a_user_from_the_users_page(app, client, liaison):
    admin = make_user(app, "admin")
    victim = app.test_client()
    sign_in(victim, liaison)
    sign_in(client, admin)
    with app.app_context():
        liaison_id = users.find_user(db.session, liaison).id
        admin_id = users.find_user(db.session, admin).id
    page = client.get("/admin/users/").get_data(as_text=True)
    assert liaison in page and "Active" in page
    resp = post_form(client, "/admin/users/", f"/admin/users/{liaison_id}/disable")
    assert resp.status_code == 302
    assert victim.get("/manage/").status_code == 302
    assert "Disabled" in client.get("/admin/users/").get_data(as_text=True)
    myself = post_form(client, "/admin/users/", f"/admin/users/{admin_id}/disable")
    assert "cannot disable your own" in client.get(myself.headers["Location"]).get_data(
        as_text=True
    )
    post_form(client, "/admin/users/", f"/admin/users/{liaison_id}/enable")
    assert sign_in(app.test_client(), liaison).status_code == 302
    assert post_form(client, "/admin/users/", "/admin/users/999/disable").status_code == 404


def test_a_long_passphrase_is_accepted_not_a_500(app, runner):
    """zxcvbn refuses more than 72 characters; only its first 72 are scored."""
    phrase = "granite lantern orbit meadow " * 7  # 203 characters
    result = runner.invoke(
        args=["users", "create", "long@example.org", "--role", "liaison", "--password", phrase]
    )
    assert result.exit_code == 0, result.output
    assert sign_in(app.test_client(), "long@example.org", phrase).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "////evil.example/c",
        "//evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "https://evil.example/",
    ],
)
def test_sign_in_never_sends_people_to_another_site(app, client, liaison, target):
    resp = sign_in(client, liaison, next=target)
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert not location.startswith(("//", "/\\", "http")) and "evil" not in location


def test_sign_in_still_returns_to_the_page_asked_for(app, client, liaison):
    resp = sign_in(client, liaison, next="/review/?a=1")
    assert resp.headers["Location"] == "/review/?a=1"
