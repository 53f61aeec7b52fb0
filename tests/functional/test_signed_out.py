"""A session that ended says so (issue 21, items 2 and 8): the sign-in page tells why, in the
staff language, and sends the person back to the page whose form they sent; a page's own script
gets the same words as JSON with 401, never the sign-in page's HTML."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from webapp.accounts.models import User, UserSession
from webapp.core.db import utcnow
from webapp.extensions import db

IDLE = "You were signed out after {n} minutes without activity; " + (
    "your text is kept; sign in to save it."
)


def signed_in(app, role: str = "liaison"):
    email = make_user(app, role)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    resp = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    assert resp.status_code == 302
    return client


def age_sessions(app, **ago: timedelta) -> None:
    with app.app_context():
        values = {column: utcnow() - delta for column, delta in ago.items()}
        db.session.execute(update(UserSession).values(**values))
        db.session.commit()


def next_of(resp) -> str | None:
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query).get("next", [None])[0]


@pytest.mark.backends("sqlite", "postgresql")
def test_an_idle_session_sends_a_form_back_to_its_page_and_says_why(app):
    client = signed_in(app)
    page = client.get("/glossary/").get_data(as_text=True)
    token = csrf_token(page)
    age_sessions(app, last_seen_at=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))

    # The withdraw address has no page: the person goes back to the page the form was on.
    resp = client.post(
        "/manage/summaries/7/withdraw",
        data={"csrf_token": token, "reason": "wrong date"},
        headers={"Referer": "http://localhost/manage/summaries/7?withdraw=en"},
    )
    assert next_of(resp) == "/manage/summaries/7?withdraw=en"
    login = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert IDLE.format(n=app.config["SESSION_IDLE_MINUTES"]) in login
    assert 'class="flash flash-signed-out" role="status"' in login


@pytest.mark.backends("sqlite", "postgresql")
def test_a_form_whose_address_is_a_page_comes_back_to_it_and_another_site_is_never_next(app):
    client = signed_in(app)
    token = csrf_token(client.get("/glossary/").get_data(as_text=True))
    age_sessions(app, last_seen_at=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    resp = client.post(
        "/manage/summaries/new",
        data={"csrf_token": token, "title": "x"},
        headers={"Referer": "http://localhost/manage/summaries/import"},
    )
    assert next_of(resp) == "/manage/summaries/new"

    # An address another page's pattern would also match (/<locale>/summaries/<slug>) is not
    # taken for the form's page: the page the form was on is.
    signed_in_again = signed_in(app, "admin")
    token = csrf_token(signed_in_again.get("/glossary/").get_data(as_text=True))
    age_sessions(app, last_seen_at=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    resp = signed_in_again.post(
        "/questions/summaries/5",
        data={"csrf_token": token, "body": "Which minister?"},
        headers={"Referer": "http://localhost/review/translations/3"},
    )
    assert next_of(resp) == "/review/translations/3"

    client = signed_in(app, "translator")
    token = csrf_token(client.get("/glossary/").get_data(as_text=True))
    age_sessions(app, last_seen_at=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    resp = client.post(
        "/manage/summaries/7/withdraw",
        data={"csrf_token": token, "reason": "x"},
        headers={"Referer": "https://elsewhere.example/manage/summaries/7"},
    )
    assert next_of(resp) is None


@pytest.mark.backends("sqlite", "postgresql")
def test_the_absolute_limit_and_a_session_ended_elsewhere_say_so_too(app):
    client = signed_in(app)
    age_sessions(app, created_at=timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1))
    resp = client.get("/manage/")
    assert next_of(resp) == "/manage/"
    login = client.get(resp.headers["Location"]).get_data(as_text=True)
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    assert f"You were signed out {hours} hours after signing in; your text is kept" in login

    client = signed_in(app, "translator")
    with app.app_context():
        db.session.execute(UserSession.__table__.delete())
        db.session.commit()
    login = client.get("/manage/", follow_redirects=True).get_data(as_text=True)
    assert "You were signed out; your text is kept; sign in to save it." in login


def test_never_signed_in_is_only_asked_to_sign_in(app):
    login = app.test_client().get("/manage/", follow_redirects=True).get_data(as_text=True)
    assert "Please sign in to continue." in login
    assert "signed out" not in login


def test_a_script_asking_for_json_gets_401_with_the_message(app):
    client = signed_in(app, "translator")
    age_sessions(app, last_seen_at=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    resp = client.get("/review/", headers={"Accept": "application/json"})
    assert resp.status_code == 401
    assert resp.json["error"] == IDLE.format(n=app.config["SESSION_IDLE_MINUTES"])
    assert resp.json["sign_in"] == "/login"


def test_the_message_is_in_the_browsers_language(make_app):
    app = make_app(SESSION_IDLE_MINUTES=1)
    client = signed_in(app)
    age_sessions(app, last_seen_at=timedelta(minutes=2))
    login = client.get(
        "/manage/", headers={"Accept-Language": "ja"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "1分間操作がなかったため、ログアウトしました。入力した内容は保持されています。" in login


def test_keep_js_is_on_staff_pages_and_the_sign_in_page_only(app):
    keep = re.compile(r'<script src="/static/keep\.[0-9a-f]+\.js" defer data-user="([0-9]*)"')
    anonymous = app.test_client()
    assert keep.search(anonymous.get("/login").get_data(as_text=True)).group(1) == ""
    assert not keep.search(anonymous.get("/en/", follow_redirects=True).get_data(as_text=True))
    client = signed_in(app)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email.like("liaison%")))
    assert keep.search(client.get("/manage/").get_data(as_text=True)).group(1) == str(user_id)
