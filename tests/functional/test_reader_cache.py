"""Cached reader pages: served without rendering, never older than what was last published.

Staff publish through the API (bearer tokens, no session); readers are separate test clients,
as different browsers would be. Whether an answer came from the cache shows in Flask's
`template_rendered` signal: a stored page renders no template.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager

import pytest
from flask import request_started, template_rendered
from jinja2 import ChoiceLoader, DictLoader

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user, staff_headers, summary_payload
from webapp.extensions import cache

NONCE_IN_CSP = re.compile(r"'nonce-([^']+)'")
NONCE_IN_PAGE = re.compile(r'nonce="([^"]*)"')


class Desk:
    """A liaison officer who writes, rewrites, publishes and withdraws English summaries."""

    def __init__(self, app):
        self.app = app
        self.staff = app.test_client()
        self.liaison = staff_headers(app, "liaison")

    def write(self, title: str) -> dict:
        resp = self.staff.post(
            "/api/v1/summaries", json=summary_payload(title=title), headers=self.liaison
        )
        assert resp.status_code == 201, resp.json
        return resp.json

    def retitle(self, created: dict, title: str) -> None:
        current = self.staff.get(f"/api/v1/summaries/{created['id']}", headers=self.liaison).json
        resp = self.staff.patch(
            f"/api/v1/summaries/{created['id']}",
            json={"title": title},
            headers={**self.liaison, "If-Match": str(current["version"])},
        )
        assert resp.status_code == 200, resp.json

    def publish(self, created: dict) -> None:
        resp = self.staff.post(
            f"/api/v1/summaries/{created['id']}/publish",
            json={"locales": ["en"]},
            headers=self.liaison,
        )
        assert resp.status_code == 200, resp.json

    def withdraw(self, created: dict) -> None:
        resp = self.staff.post(
            f"/api/v1/summaries/{created['id']}/withdraw",
            json={"locales": ["en"], "reason": "Published by mistake."},
            headers=self.liaison,
        )
        assert resp.status_code == 200, resp.json


@contextmanager
def renders(app):
    """The names of the templates `app` renders inside the block."""
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def cached(app, client, path: str, **kwargs):
    """GET `path`; the answer, and whether it came from the cache (nothing rendered)."""
    with renders(app) as names:
        resp = client.get(path, **kwargs)
    return resp, names == []


TITLED = ("/en/", "/en/archive/2026/1/", "/en/feed.atom", "/en/participants/Pete%20Hegseth")
PAGES = (*TITLED, "/en/archive/", "/en/countries/", "/sitemap.xml", "/sitemap-1.xml")


@pytest.mark.backends("sqlite", "postgresql")
def test_a_new_version_reaches_the_next_reader_and_a_withdrawal_is_410_at_once(app):
    desk, reader = Desk(app), app.test_client()
    created = desk.write("First words")
    desk.publish(created)
    page = f"/en/summaries/{created['slug']}"
    for path in (page, *PAGES):
        first, from_cache = cached(app, reader, path)
        assert first.status_code == 200 and not from_cache, path
        again, from_cache = cached(app, reader, path)
        assert again.status_code == 200 and from_cache, path
        assert again.data == first.data

    desk.retitle(created, "Second words")
    desk.publish(created)
    resp, from_cache = cached(app, reader, page)
    assert not from_cache
    assert "Second words" in resp.get_data(as_text=True)
    assert "First words" not in resp.get_data(as_text=True)
    for path in TITLED:
        text = reader.get(path).get_data(as_text=True)
        assert "Second words" in text and "First words" not in text, path

    desk.withdraw(created)
    assert reader.get(page).status_code == 410
    for path in TITLED:
        assert "Second words" not in reader.get(path).get_data(as_text=True), path
    assert page not in reader.get("/sitemap-1.xml").get_data(as_text=True)


@pytest.mark.backends("sqlite", "postgresql")
def test_every_worker_sees_a_publish_made_through_another(make_app):
    """Two apps on one database stand for two gunicorn workers, each with its own cache."""
    one, two = make_app(), make_app()
    desk = Desk(one)
    created = desk.write("Old news")
    desk.publish(created)
    page = f"/en/summaries/{created['slug']}"
    reader = two.test_client()
    reader.get(page)
    assert cached(two, reader, page)[1]
    desk.retitle(created, "New news")
    desk.publish(created)
    resp, from_cache = cached(two, reader, page)
    assert not from_cache and "New news" in resp.get_data(as_text=True)
    assert "New news" in reader.get("/en/").get_data(as_text=True)


@pytest.mark.backends("sqlite", "postgresql")
def test_a_renamed_summary_redirects_at_once(app):
    desk, reader = Desk(app), app.test_client()
    admin = staff_headers(app, "admin")
    created = desk.write("Moving house")
    desk.publish(created)
    old = f"/en/summaries/{created['slug']}"
    reader.get(old)
    assert cached(app, reader, old)[1]
    moved = desk.staff.post(
        f"/api/v1/summaries/{created['id']}/slug", json={"slug": "moved-house"}, headers=admin
    )
    assert moved.status_code == 200, moved.json
    resp = reader.get(old)
    assert resp.status_code == 301 and resp.headers["Location"].endswith(
        "/en/summaries/moved-house"
    )
    assert "/en/summaries/moved-house" in reader.get("/en/").get_data(as_text=True)


@pytest.mark.backends("sqlite", "postgresql")
def test_staff_see_fresh_pages_and_never_fill_the_cache(app):
    desk, reader = Desk(app), app.test_client()
    created = desk.write("Seen by staff")
    desk.publish(created)
    page = f"/en/summaries/{created['slug']}"
    staff = app.test_client()
    email = make_user(app, "translator", ["ja"], email="staff-reader@example.org")
    form = staff.get("/login").get_data(as_text=True)
    signed_in = staff.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(form)}
    )
    assert signed_in.status_code == 302
    for _ in range(2):
        resp, from_cache = cached(app, staff, page)
        assert resp.status_code == 200 and not from_cache
        assert "staff-reader@example.org" in resp.get_data(as_text=True)
        assert resp.headers["Cache-Control"] == "no-store"
    # the staff member's visits stored nothing: the first anonymous reader renders the page
    resp, from_cache = cached(app, reader, page)
    assert not from_cache and "staff-reader@example.org" not in resp.get_data(as_text=True)
    assert cached(app, reader, page)[1]
    # and a page a reader filled is not what staff get
    resp, from_cache = cached(app, staff, page)
    assert not from_cache and "staff-reader@example.org" in resp.get_data(as_text=True)


def test_a_session_cookie_means_a_fresh_page(app):
    """A reader who opened the sign-in form carries a session (its CSRF token): never cached."""
    desk = Desk(app)
    desk.publish(desk.write("Session or not"))
    visitor = app.test_client()
    visitor.get("/login")
    assert not cached(app, visitor, "/en/")[1]
    assert not cached(app, visitor, "/en/")[1]


def test_a_cached_page_keeps_its_headers_and_answers_revalidation(app):
    desk, reader = Desk(app), app.test_client()
    created = desk.write("Headers kept")
    desk.publish(created)
    for path in ("/en/", f"/en/summaries/{created['slug']}", "/en/feed.atom"):
        first, _ = cached(app, reader, path)
        second, from_cache = cached(app, reader, path)
        assert from_cache, path
        for header in ("Content-Type", "ETag", "Last-Modified", "Cache-Control"):
            assert second.headers.get(header) == first.headers.get(header), (path, header)
        assert "ETag" in second.headers and "Content-Security-Policy" in second.headers
        assert second.headers["Cache-Control"] == "public, max-age=60, s-maxage=60"
        assert "Cookie" not in second.headers.get("Vary", "")
        assert second.headers["X-Request-Id"] != first.headers["X-Request-Id"]
        assert "Set-Cookie" not in second.headers
        revalidated, from_cache = cached(
            app, reader, path, headers={"If-None-Match": second.headers["ETag"]}
        )
        assert revalidated.status_code == 304 and from_cache and revalidated.data == b""
    # a first visit (no cookie at all) gets the same public page, and no cookie
    newcomer = app.test_client()
    resp, from_cache = cached(app, newcomer, "/en/")
    assert from_cache and "Set-Cookie" not in resp.headers
    assert resp.headers["Cache-Control"] == "public, max-age=60, s-maxage=60"


def test_search_is_kept_apart_by_generation(app):
    """A search answer is kept for anonymous readers in the process's own store, never in the
    shared one; a publish makes the next search see the new summary at once."""
    from webapp.reader.cache import search_store

    desk, reader = Desk(app), app.test_client()
    desk.publish(desk.write("Findable meeting"))
    shared_before = len(app.extensions["cache"][cache]._cache)
    first, from_cache = cached(app, reader, "/en/search?q=Findable")
    assert first.status_code == 200 and not from_cache
    again, from_cache = cached(app, reader, "/en/search?q=Findable")
    assert again.status_code == 200 and from_cache and again.data == first.data
    assert len(app.extensions["cache"][cache]._cache) == shared_before
    assert len(search_store(app)._cache) >= 1
    desk.publish(desk.write("Findable second meeting"))
    fresh, from_cache = cached(app, reader, "/en/search?q=Findable")
    assert not from_cache and b"second meeting" in fresh.data
    too_long, from_cache = cached(app, reader, "/en/search?q=" + "x" * 5000)
    assert too_long.status_code == 400 and not from_cache
    assert cached(app, reader, "/en/search?q=" + "x" * 5000)[1] is False


def test_search_store_keeps_at_most_its_size(make_app):
    from webapp.reader.cache import search_store

    app = make_app(READER_SEARCH_ENTRIES=5)
    reader = app.test_client()
    for n in range(20):
        assert reader.get(f"/en/search?q=word{n}").status_code == 200
    assert len(search_store(app)._cache) <= 6  # kept answers (Flask's and the whole ones)


def test_a_cached_page_carries_the_nonce_of_its_own_csp_header(make_app):
    """Reader pages print no nonce today; one that did must get each response's own."""
    app = make_app()
    page = (
        '{% extends "public/_layout.html" %}{% block content %}'
        '<script nonce="{{ csp_nonce() }}">window.x = 1;</script>'
        '<style nonce="{{ csp_nonce() }}">p { color: red; }</style>{% endblock %}'
    )
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"public/archive.html": page}), app.jinja_env.loader]
    )
    reader = app.test_client()
    seen = []
    for expect_cached in (False, True, True):
        resp, from_cache = cached(app, reader, "/en/archive/")
        assert from_cache is expect_cached
        header = NONCE_IN_CSP.findall(resp.headers["Content-Security-Policy"])
        in_page = NONCE_IN_PAGE.findall(resp.get_data(as_text=True))
        assert len(in_page) == 2 and set(in_page) == set(header) and len(set(header)) == 1
        seen.append(header[0])
    assert len(set(seen)) == 3  # a fresh nonce for every response


def test_the_default_reader_pages_print_no_nonce(app):
    desk, reader = Desk(app), app.test_client()
    created = desk.write("No inline code")
    desk.publish(created)
    for path in ("/en/", f"/en/summaries/{created['slug']}", "/en/archive/", "/en/countries/"):
        assert "nonce" not in reader.get(path).get_data(as_text=True), path


def _redis_url() -> str:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return url


@pytest.mark.backends("sqlite", "postgresql")
def test_with_redis_workers_share_pages_and_a_publish_reaches_them_all(make_app):
    import redis

    url, prefix = _redis_url(), f"kakehashi-test-{uuid.uuid4().hex}:"
    one = make_app(CACHE_REDIS_URL=url, CACHE_KEY_PREFIX=prefix)
    two = make_app(CACHE_REDIS_URL=url, CACHE_KEY_PREFIX=prefix)
    try:
        desk = Desk(one)
        created = desk.write("Shared words")
        desk.publish(created)
        page = f"/en/summaries/{created['slug']}"
        assert not cached(one, one.test_client(), page)[1]
        resp, from_cache = cached(two, two.test_client(), page)  # filled by the other worker
        assert from_cache and "Shared words" in resp.get_data(as_text=True)
        desk.retitle(created, "Newer shared words")
        desk.publish(created)
        resp, from_cache = cached(two, two.test_client(), page)
        assert not from_cache and "Newer shared words" in resp.get_data(as_text=True)
        desk.withdraw(created)
        assert two.test_client().get(page).status_code == 410
    finally:
        server = redis.Redis.from_url(url)
        for key in server.scan_iter(f"{prefix}*"):
            server.delete(key)


def test_an_unreachable_redis_means_fresh_pages_not_errors(make_app):
    app = make_app(CACHE_REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    desk, reader = Desk(app), app.test_client()
    desk.publish(desk.write("Still readable"))
    for _ in range(2):
        resp, from_cache = cached(app, reader, "/en/")
        assert resp.status_code == 200 and not from_cache
        assert "Still readable" in resp.get_data(as_text=True)


@contextmanager
def flask_requests(app):
    """How many requests entered Flask inside the block (Flask's `request_started` signal)."""
    entered: list[str] = []

    def record(sender, **extra):
        entered.append("request")

    request_started.connect(record, app)
    try:
        yield entered
    finally:
        request_started.disconnect(record, app)


@pytest.mark.backends("sqlite", "postgresql")
def test_a_returning_reader_is_answered_below_flask_with_the_same_page(app):
    desk, reader = Desk(app), app.test_client()
    created = desk.write("Whole answers")
    desk.publish(created)
    page = f"/en/summaries/{created['slug']}"
    for path in (page, "/en/", "/en/feed.atom", "/en/archive/2026/1/"):
        by_flask = reader.get(path)  # a first visit: Flask answers and the whole answer is kept
        with flask_requests(app) as entered:
            kept = reader.get(path)
            again = reader.get(path, headers={"X-Request-ID": "trace-42"})
        assert entered == [], path
        assert kept.status_code == 200 and kept.data == by_flask.data, path
        same = {
            k: v
            for k, v in by_flask.headers
            if k not in ("X-Request-ID", "Content-Security-Policy", "Date")
        }
        assert {k: v for k, v in kept.headers if k in same} == same, path
        # Date is the server's (gunicorn writes it on every answer)
        assert set(dict(kept.headers)) == set(dict(by_flask.headers)) - {"Date"}, path
        nonces = {
            NONCE_IN_CSP.findall(r.headers["Content-Security-Policy"])[0]
            for r in (by_flask, kept, again)
        }
        assert len(nonces) == 3, path  # each answer its own CSP nonce
        assert kept.headers["X-Request-ID"] not in (by_flask.headers["X-Request-ID"], "trace-42")
        assert again.headers["X-Request-ID"] == "trace-42"

    # a newer snapshot is seen at once, through Flask, and kept again
    desk.retitle(created, "Whole answers, revised")
    desk.publish(created)
    with flask_requests(app) as entered:
        fresh = reader.get(page)
    assert entered == ["request"] and "Whole answers, revised" in fresh.get_data(as_text=True)
    with flask_requests(app) as entered:
        assert reader.get(page).data == fresh.data
    assert entered == []
    desk.withdraw(created)
    assert reader.get(page).status_code == 410


def test_only_plain_gets_of_returning_anonymous_readers_skip_flask(app):
    desk = Desk(app)
    desk.publish(desk.write("Through Flask"))
    reader = app.test_client()
    reader.get("/en/")
    etag = reader.get("/en/").headers["ETag"]
    cases = {
        "conditional": lambda c: c.get("/en/", headers={"If-None-Match": etag}),
        "head": lambda c: c.head("/en/"),
        "search, the first time": lambda c: c.get("/en/search?q=Flask"),
    }
    for name, call in cases.items():
        with flask_requests(app) as entered:
            call(reader)
        assert entered == ["request"], name
    with flask_requests(app) as entered:  # the same search again: kept whole, like a page
        assert reader.get("/en/search?q=Flask").status_code == 200
    assert entered == []
    newcomer = app.test_client()  # a first visit, no cookie at all: the kept page
    with flask_requests(app) as entered:
        first = newcomer.get("/en/")
    assert entered == [] and "Set-Cookie" not in first.headers
    chose_japanese = app.test_client()  # a locale cookie that names another language
    chose_japanese.set_cookie("lang", "ja")
    with flask_requests(app) as entered:
        assert chose_japanese.get("/en/").data == first.data
    assert entered == []
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    visitor.get("/login")  # now carries a session
    with flask_requests(app) as entered:
        visitor.get("/en/")
    assert entered == ["request"]


def test_answers_below_flask_are_counted_in_the_metrics(app):
    from webapp.core import metrics

    desk, reader = Desk(app), app.test_client()
    desk.publish(desk.write("Counted"))
    reader.get("/en/")
    reader.get("/en/")
    counter = metrics.REQUESTS.labels("public.index", "GET", "200")
    before = counter._value.get()
    with flask_requests(app) as entered:
        for _ in range(3):
            reader.get("/en/")
    assert entered == [] and counter._value.get() == before + 3


def test_a_database_that_cannot_be_read_goes_to_flask_not_to_a_stored_page(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)  # Flask's own error page, as in production
    desk, reader = Desk(app), app.test_client()
    desk.publish(desk.write("Fresh or nothing"))
    reader.get("/en/")
    reader.get("/en/")
    from webapp.extensions import db

    with app.app_context():
        db.engine.dispose()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE withdrawals")
    with flask_requests(app) as entered:
        resp = reader.get("/en/")
    assert entered == ["request"] and resp.status_code == 500
