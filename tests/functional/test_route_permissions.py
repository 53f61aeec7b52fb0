"""Every route declares its permission, and every (route, role) pair answers as declared."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, bearer, make_user, summary_payload
from webapp.accounts import services as users
from webapp.core.permissions import Permission, allowed
from webapp.extensions import db
from webapp.jobs.worker import run_worker

ROLES = {
    "anonymous": None,
    "liaison": ("liaison", []),
    "translator": ("translator", ["ja"]),
    "admin": ("admin", []),
}


def undeclared_routes(app) -> list[str]:
    """Routes whose view carries no Permission (the decorator sets one)."""
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not isinstance(
            getattr(app.view_functions[rule.endpoint], "permission", None), Permission
        )
    ]


def test_every_route_declares_a_permission(app):
    assert undeclared_routes(app) == []


def test_a_route_without_a_declared_permission_is_caught(make_app):
    app = make_app()

    @app.get("/forgotten")
    def forgotten():
        return "open to everyone"

    assert undeclared_routes(app) == ["/forgotten"]


@pytest.fixture
def world(make_app):
    """Every role, a summary with its ja translation drafted, the source published."""
    app = make_app(WTF_CSRF_ENABLED=False)
    emails = {name: make_user(app, *spec) for name, spec in ROLES.items() if spec}
    liaison = bearer(app, emails["liaison"])
    client = app.test_client()
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    tr_id = created["translations"]["ja"]["id"]
    segment = client.get(f"/api/v1/translations/{tr_id}", headers=liaison).json["segments"][0]
    term = client.post(
        "/api/v1/glossary",
        json={"source_locale": "en", "target_locale": "ja", "source": "Bill", "target": "法案"},
        headers=liaison,
    ).json
    values = {
        "term_id": term["id"],
        "summary_id": created["id"],
        "translation_id": tr_id,
        "segment_id": segment["id"],
        "locale": "ja",
        "slug": created["slug"],
        "token_id": 1,  # the liaison's token made above
        "user_id": 3,  # the admin (disabling oneself is refused)
        "year": 2026,
        "month": 1,
        "code": "jp",
        "person": "Pete Hegseth",
        "n": 1,
        "job_id": 1,  # the machine translation job, done (retrying it is refused)
        "number": 1,  # the summary's first version
        "photo_id": 1,  # no such photo: 404 where allowed
        "question_id": 1,  # no question yet: 404 where allowed
        "webhook_id": 1,  # no webhook: 404 where allowed
        "delivery_id": 1,
        "from_code": "en",  # a language pair with no model: rolling back is refused
        "to_code": "ja",
        "entry_id": 1,  # no memory entry: 404 where allowed
        "name": "0" * 32 + "-480.webp",  # no such photo file
        "token": "ki_none",  # no such invitation: 404 for everyone
    }
    return app, emails, values


def _url(rule, values) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), url)
    return url.replace("/<locale>/", "/en/") if "<locale>" in url else url


def _object_locale(rule, values) -> str | None:
    return values["locale"] if "translation_id" in rule.arguments else None


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_gets_what_the_table_grants(world, role):
    app, emails, values = world
    client = app.test_client()
    headers = {}
    if role != "anonymous":
        client.post("/login", data={"email": emails[role], "password": PASSWORD})
        headers = bearer(app, emails[role])
    # Signing out last, so every other route is tried signed in.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout")
    probes = 0
    for rule in rules:
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        permission = view.permission
        is_api = rule.rule.startswith(("/api/", "/metrics"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _url(rule, values)
            with app.app_context():
                user = users.find_user(db.session, emails[role]) if role != "anonymous" else None
                expected = allowed(user, permission, _object_locale(rule, values))
            kwargs = {"headers": headers} if is_api else {}
            if is_api and method in ("POST", "PUT", "PATCH"):
                kwargs["json"] = {}
            resp = client.open(url, method=method, **kwargs)
            probes += 1
            where = f"{method} {url} as {role} ({permission})"
            assert resp.status_code < 500, where
            if expected:
                assert resp.status_code not in (401, 403), where
                assert "/login" not in resp.headers.get("Location", ""), where
            elif user is None and is_api:
                assert resp.status_code == 401, where
            elif user is None:
                assert resp.status_code == 302 and "/login" in resp.headers["Location"], where
            else:
                assert resp.status_code == 403, where
    print(f"\nroute x role probes as {role}: {probes}")  # pytest -s shows the count
