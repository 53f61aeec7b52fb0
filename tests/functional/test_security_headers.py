"""Every answer carries the security headers; private answers are never cached."""

from __future__ import annotations

import re

import pytest

from tests.factories import bearer, make_user
from tests.functional.test_sessions_and_login import sign_in


def assert_security_headers(resp) -> None:
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]+'", csp), csp
    assert "unsafe-inline" not in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_public_pages_carry_the_headers_and_stay_cacheable(client):
    for path in ("/en/", "/ja/", "/login", "/en/no-such-page"):
        resp = client.get(path)
        assert_security_headers(resp)
        assert "no-store" not in resp.headers.get("Cache-Control", ""), path
        assert "Strict-Transport-Security" not in resp.headers  # plain HTTP, development


def test_staff_pages_are_never_stored(app, client):
    sign_in(client, make_user(app, "liaison"))
    for path in ("/manage/", "/account", "/glossary/", "/en/"):
        resp = client.get(path)
        assert_security_headers(resp)
        assert resp.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in resp.headers["Vary"]


def test_api_answers_are_never_stored_but_the_public_api_document_is(app, client):
    headers = bearer(app, make_user(app, "liaison"))
    resp = client.get("/api/v1/glossary", headers=headers)
    assert resp.headers["Cache-Control"] == "no-store"
    assert_security_headers(resp)
    refused = client.get("/api/v1/glossary")
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/v1/openapi.json").headers.get("Cache-Control", "")


def test_hsts_is_sent_over_https_when_configured(make_app):
    app = make_app(HSTS=True)
    resp = app.test_client().get("/en/", base_url="https://localhost")
    assert "max-age=31536000" in resp.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("secure", [False, True])
def test_session_cookies_are_http_only_lax_and_secure_when_configured(make_app, secure):
    app = make_app(SESSION_COOKIE_SECURE=secure)
    client = app.test_client()
    sign_in(client, make_user(app, "liaison"))
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.secure is secure


def test_pages_load_no_inline_script_or_style(app, client):
    """The CSP forbids them; a page that used one would break in the browser."""
    sign_in(client, make_user(app, "admin"))
    for path in ("/en/", "/manage/", "/account", "/glossary/", "/review/", "/api/v1/docs"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("post", "/en/", "GET"), ("put", "/api/v1/summaries", "POST"), ("delete", "/login", "POST")],
)
def test_a_method_not_allowed_names_the_methods_that_are(client, method, path, allowed):
    resp = getattr(client, method)(path)
    assert resp.status_code == 405
    assert allowed in {m.strip() for m in resp.headers.get("Allow", "").split(",")}
