"""First visits: no cookie, publicly cacheable, kept; the switcher's choice; fewer bytes.

Readers are separate test clients, as different browsers would be; a reader who sends no
Accept-Encoding gets the page as it is, one who sends `gzip` or `br` gets it compressed.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from tests.functional.test_reader_cache import Desk, cached, flask_requests

PUBLIC = "public, max-age=60, s-maxage=60"
MISSING = "public, max-age=0, s-maxage=60"  # a 404 or 410: the browser asks again


def decoded(resp) -> bytes:
    """The body as the reader's browser would read it."""
    encoding = resp.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(resp.data)
    if encoding == "br":
        return brotli.decompress(resp.data)
    assert encoding is None, encoding
    return resp.data


def vary(resp) -> set[str]:
    return {f.strip().lower() for f in resp.headers.get("Vary", "").split(",") if f.strip()}


@pytest.fixture
def published(app):
    desk = Desk(app)
    created = desk.write("First visits welcome")
    desk.publish(created)
    return created


@pytest.mark.backends("sqlite", "postgresql")
def test_a_first_visit_sets_no_cookie_is_public_and_the_next_one_is_kept(app, published):
    page = f"/en/summaries/{published['slug']}"
    for path in (page, "/en/", "/en/archive/", "/en/feed.atom"):
        first, from_cache = cached(app, app.test_client(), path)
        assert first.status_code == 200 and not from_cache, path
        assert "Set-Cookie" not in first.headers, path
        assert first.headers["Cache-Control"] == PUBLIC, path
        assert "cookie" not in vary(first), path
        # another first visit, no cookie either: answered below Flask from the kept answer
        with flask_requests(app) as entered:
            second = app.test_client().get(path)
        assert entered == [] and second.data == first.data, path
        assert second.headers["Cache-Control"] == PUBLIC and "Set-Cookie" not in second.headers
    # the page in the other language is not published: its 404 page sets no cookie either
    missing = app.test_client().get(f"/ja/summaries/{published['slug']}")
    assert missing.status_code == 404 and "Set-Cookie" not in missing.headers
    assert missing.headers["Cache-Control"] == MISSING


def test_a_withdrawn_page_is_not_kept_by_the_browser_so_publishing_again_shows_at_once(app):
    """A 410 kept for a minute by a reader's browser hid the page published again (the e2e
    withdraw test); 404 and 410 answers are revalidated by the browser every time."""
    desk = Desk(app)
    created = desk.write("Gone for now")
    desk.publish(created)
    desk.withdraw(created)
    gone = app.test_client().get(f"/en/summaries/{created['slug']}")
    assert gone.status_code == 410 and gone.headers["Cache-Control"] == MISSING


@pytest.mark.backends("sqlite", "postgresql")
def test_the_switcher_remembers_the_choice_and_the_front_door_follows_it(app, published):
    reader = app.test_client()
    page = reader.get(f"/en/summaries/{published['slug']}").get_data(as_text=True)
    footer = re.search(r'<footer class="site-footer".*?</footer>', page, re.S)
    assert footer is not None
    switch = re.search(r'href="(/choose/ja\?next=[^"]+)" hreflang="ja"', footer[0])
    assert switch is not None and switch[1] == "/choose/ja?next=/ja/"
    chose = reader.get(switch[1])
    assert chose.status_code == 303 and chose.headers["Location"] == "/ja/"
    assert "lang=ja" in chose.headers["Set-Cookie"] and chose.headers["Cache-Control"] == "no-store"
    # `/` follows the saved choice over the browser's languages
    home = reader.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert home.status_code == 303 and home.headers["Location"].endswith("/ja/")
    assert {"cookie", "accept-language"} <= vary(home)
    # choosing English again, from the summary's switcher, lands on the same summary
    back = reader.get(f"/choose/en?next=/en/summaries/{published['slug']}")
    assert back.headers["Location"] == f"/en/summaries/{published['slug']}"
    assert reader.get("/", headers={"Accept-Language": "ja"}).headers["Location"].endswith("/en/")
    # a newcomer without a choice is sent by Accept-Language
    newcomer = app.test_client().get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9"})
    assert newcomer.headers["Location"].endswith("/ja/")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/ja/",
        "//evil.example/ja/",
        "/\\evil.example/ja/",
        "\\\\evil.example",
        "http:/evil.example",
        "/ja/\r\nSet-Cookie: x=1",
        "ja/",
        "",
    ],
)
def test_the_choice_route_never_sends_a_reader_to_another_site(app, target):
    resp = app.test_client().get("/choose/ja", query_string={"next": target})
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/ja/"  # the chosen language's home, on this site
    assert "lang=ja" in resp.headers["Set-Cookie"]


def test_the_choice_route_knows_only_our_languages(app):
    resp = app.test_client().get("/choose/xx?next=/en/")
    assert resp.status_code == 404 and "Set-Cookie" not in resp.headers


@pytest.mark.backends("sqlite", "postgresql")
def test_compressed_answers_decode_to_the_same_bytes_rendered_and_kept(app, published):
    page = f"/en/summaries/{published['slug']}"
    for path in (page, "/en/", "/en/feed.atom"):
        plain = app.test_client().get(path)
        assert plain.headers.get("Content-Encoding") is None
        assert "accept-encoding" in vary(plain), path
        for header, expected in (
            ("gzip", "gzip"),
            ("gzip, deflate, br", "br"),
            ("br;q=0, gzip;q=0.8", "gzip"),
            ("gzip;q=0.5, br;q=0.9", "br"),
            ("gzip;q=0, br;q=0", None),
            ("identity", None),
        ):
            with flask_requests(app) as entered:
                resp = app.test_client().get(path, headers={"Accept-Encoding": header})
            assert entered == [], (path, header)  # the kept answer, compressed when kept
            assert resp.headers.get("Content-Encoding") == expected, (path, header)
            assert decoded(resp) == plain.data, (path, header)
            assert int(resp.headers["Content-Length"]) == len(resp.data)
            if expected:
                assert resp.headers["ETag"] == f"W/{plain.headers['ETag']}"
                assert len(resp.data) < len(plain.data) / 2
            assert "accept-encoding" in vary(resp) and "cookie" not in vary(resp)
    # not kept (search), and the API: compressed on the way out
    for path in ("/en/search?q=visits", "/api/v1/openapi.json"):
        plain = app.test_client().get(path)
        packed = app.test_client().get(path, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip", path
        assert decoded(packed) == plain.data, path


def test_small_and_binary_answers_are_sent_as_they_are(app):
    reader = app.test_client()
    for path in ("/robots.txt", "/favicon.ico"):  # a few hundred bytes: not worth it
        resp = reader.get(path, headers={"Accept-Encoding": "gzip, br"})
        assert resp.status_code == 200 and "Content-Encoding" not in resp.headers, path
        assert "accept-encoding" not in vary(resp), path
    resp = reader.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in resp.headers


@pytest.mark.backends("sqlite", "postgresql")
def test_revalidation_answers_304_for_compressed_and_plain_copies(app, published):
    page = f"/en/summaries/{published['slug']}"
    for path in (page, "/en/"):
        for encoding in ("gzip", "br", None):
            headers = {"Accept-Encoding": encoding} if encoding else {}
            reader = app.test_client()
            first = reader.get(path, headers=headers)
            etag = first.headers["ETag"]
            assert etag.startswith("W/") == (encoding is not None), (path, encoding)
            again = reader.get(path, headers={**headers, "If-None-Match": etag})
            assert again.status_code == 304 and again.data == b"", (path, encoding)
            assert again.headers["ETag"] == etag, (path, encoding)


def test_static_files_are_fingerprinted_immutable_and_compressed(app):
    reader = app.test_client()
    html = reader.get("/en/").get_data(as_text=True)
    css = re.search(r'href="(/static/site\.([0-9a-f]{12})\.css)"', html)
    assert css is not None
    logo = re.search(r'src="(/static/logo\.[0-9a-f]{12}\.svg)"', html)
    assert logo is not None
    original = (Path(app.static_folder) / "site.css").read_bytes()
    plain = reader.get(css[1])
    assert plain.status_code == 200 and plain.data == original
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.headers["Content-Type"].startswith("text/css")
    for encoding in ("gzip", "br"):
        packed = reader.get(css[1], headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding
        assert decoded(packed) == original
        assert "accept-encoding" in vary(packed)
        assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        revalidated = reader.get(
            css[1],
            headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]},
        )
        assert revalidated.status_code == 304
    assert reader.get(logo[1]).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # the plain name still answers, but is revalidated; a fingerprint not current is not found
    with reader.get("/static/site.css") as by_plain_name:
        assert by_plain_name.status_code == 200
        assert "immutable" not in by_plain_name.headers.get("Cache-Control", "")
    assert reader.get("/static/site.000000000000.css").status_code == 404


@pytest.mark.backends("sqlite", "postgresql")
def test_staff_answers_stay_private(app, published):
    staff = app.test_client()
    email = make_user(app, "liaison", email="staff-bytes@example.org")
    form = staff.get("/login").get_data(as_text=True)
    signed_in = staff.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(form)}
    )
    assert signed_in.status_code == 302
    for path in (f"/en/summaries/{published['slug']}", "/manage/"):
        resp = staff.get(path, headers={"Accept-Encoding": "gzip"})
        assert resp.status_code == 200, path
        assert resp.headers["Cache-Control"] == "no-store", path
        assert "cookie" in vary(resp), path
        assert "staff-bytes@example.org" in decoded(resp).decode(), path
    # the choice route changes nothing for staff pages
    assert staff.get("/choose/ja?next=/manage/").headers["Location"] == "/manage/"
