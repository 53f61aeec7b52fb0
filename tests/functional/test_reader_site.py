"""The reader's site as a reader and a crawler meet it: feeds, sitemap, locale, provenance, lists.

Summaries are written, translated by hand, approved and published through the API, as staff do.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.factories import REASON, staff_headers, summary_payload
from tests.functional.test_photos import upload
from tests.unit.photos.images import image_bytes

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HOSTILE = 'U.S. & Japan: R&D talks <script>alert("x")</script> ]]> &amp;'


class World:
    """Staff headers and helpers to publish summaries in one or both languages."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        self.liaison = staff_headers(app, "liaison")
        self.translator = staff_headers(app, "translator", ["ja", "en"])
        self.count = 0

    def write(self, **overrides) -> dict:
        self.count += 1
        overrides.setdefault("title", f"Meeting number {self.count}")
        resp = self.client.post(
            "/api/v1/summaries", json=summary_payload(**overrides), headers=self.liaison
        )
        assert resp.status_code == 201, resp.json
        return resp.json

    def translate(self, created: dict, locale: str = "ja", text=None, approve=True) -> None:
        """A translator writes every segment by hand (text(key) or a default) and approves."""
        tr_id = created["translations"][locale]["id"]
        tr = self.client.get(f"/api/v1/translations/{tr_id}", headers=self.translator).json
        for seg in tr["segments"]:
            body = text(seg["key"]) if text else f"訳{seg['key']}"
            resp = self.client.put(
                f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
                json={"text": body, "approve": True, "reason": REASON, "version": seg["version"]},
                headers=self.translator,
            )
            assert resp.status_code == 200, resp.json
        if approve:
            resp = self.client.post(
                f"/api/v1/translations/{tr_id}/approve", headers=self.translator
            )
            assert resp.status_code == 200, resp.json

    def publish(self, created: dict, *locales: str) -> None:
        resp = self.client.post(
            f"/api/v1/summaries/{created['id']}/publish",
            json={"locales": list(locales)},
            headers=self.liaison,
        )
        assert resp.status_code == 200, resp.json

    def both(self, text=None, **overrides) -> dict:
        created = self.write(**overrides)
        self.translate(created, text=text)
        self.publish(created, "en", "ja")
        return created


@pytest.fixture
def world(app, client) -> World:
    return World(app, client)


class Head(HTMLParser):
    """The <link> and <meta> elements of a page's head, and the <html lang>."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.metas: list[dict] = []
        self.lang = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas.append(attrs)

    def hreflang(self) -> dict[str, str]:
        return {x["hreflang"]: x["href"] for x in self.links if x.get("hreflang")}

    def canonical(self) -> str | None:
        return next((x["href"] for x in self.links if x.get("rel") == "canonical"), None)

    def meta(self, key: str) -> str | None:
        return next(
            (m["content"] for m in self.metas if key in (m.get("property"), m.get("name"))), None
        )


# -- 1. feed and sitemap -----------------------------------------------------------------------


def test_feed_is_valid_atom_with_hostile_titles_and_base_url_links(world, client):
    created = world.write(title=HOSTILE, lede="Fish & chips <b>bold</b>")
    world.publish(created, "en")
    # A name the site answers to (TRUSTED_HOSTS), but not BASE_URL's: links still use BASE_URL.
    resp = client.get("/en/feed.atom", headers={"Host": "localhost:8080"})
    assert resp.content_type == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(resp.data)  # raises on invalid XML
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [HOSTILE]
    assert entries[0].findtext(f"{ATOM}summary") == "Fish & chips <b>bold</b>"
    assert b"<script>" not in resp.data
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.findtext(f"{ATOM}updated")
    links = [x.get("href") for x in root.iter(f"{ATOM}link")]
    assert links and all(h.startswith("http://127.0.0.1:5000/en/") for h in links)
    assert b"localhost" not in resp.data
    # entries only in that locale
    assert ET.fromstring(client.get("/ja/feed.atom").data).findall(f"{ATOM}entry") == []


def test_sitemap_index_splits_files_and_lists_alternates(make_app):
    app = make_app(SITEMAP_URLS_PER_FILE=3, BASE_URL="https://kakehashi.example")
    client = app.test_client()
    world = World(app, client)
    pair = world.both()
    for _ in range(2):
        world.publish(world.write(), "en")
    index = ET.fromstring(client.get("/sitemap.xml", headers={"Host": "localhost:8080"}).data)
    files = [x.findtext(f"{SITEMAP}loc") for x in index.iter(f"{SITEMAP}sitemap")]
    # 2 home pages + 4 publications = 6 URLs, 3 per file
    assert files == [
        "https://kakehashi.example/sitemap-1.xml",
        "https://kakehashi.example/sitemap-2.xml",
    ]
    urls = {}
    for n in (1, 2):
        root = ET.fromstring(client.get(f"/sitemap-{n}.xml").data)
        assert len(root.findall(f"{SITEMAP}url")) <= 3
        for url in root.findall(f"{SITEMAP}url"):
            alts = {x.get("hreflang"): x.get("href") for x in url.findall(f"{XHTML}link")}
            urls[url.findtext(f"{SITEMAP}loc")] = alts
    assert len(urls) == 6
    en = f"https://kakehashi.example/en/summaries/{pair['slug']}"
    ja = f"https://kakehashi.example/ja/summaries/{pair['slug']}"
    assert urls[en] == {"en": en, "ja": ja, "x-default": en}
    assert urls[ja] == urls[en]
    assert client.get("/sitemap-3.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


# The file as the template built it with url_for per address, before addresses were formatted
# in the view: the same bytes ({B} the base URL, {T} each publication's time).
SITEMAP_GOLDEN = """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url>
    <loc>{B}/en/</loc>
    <xhtml:link rel="alternate" hreflang="en" href="{B}/en/"/>
    <xhtml:link rel="alternate" hreflang="ja" href="{B}/ja/"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="{B}/"/>
  </url>
  <url>
    <loc>{B}/ja/</loc>
    <xhtml:link rel="alternate" hreflang="en" href="{B}/en/"/>
    <xhtml:link rel="alternate" hreflang="ja" href="{B}/ja/"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="{B}/"/>
  </url>
  <url>
    <loc>{B}/en/summaries/2026-01-15-pair</loc>
    <lastmod>{T}</lastmod>
    <xhtml:link rel="alternate" hreflang="en" href="{B}/en/summaries/2026-01-15-pair"/>
    <xhtml:link rel="alternate" hreflang="ja" href="{B}/ja/summaries/2026-01-15-pair"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="{B}/en/summaries/2026-01-15-pair"/>
  </url>
  <url>
    <loc>{B}/ja/summaries/2026-01-15-pair</loc>
    <lastmod>{T}</lastmod>
    <xhtml:link rel="alternate" hreflang="en" href="{B}/en/summaries/2026-01-15-pair"/>
    <xhtml:link rel="alternate" hreflang="ja" href="{B}/ja/summaries/2026-01-15-pair"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="{B}/en/summaries/2026-01-15-pair"/>
  </url>
  <url>
    <loc>{B}/en/summaries/2026-01-15-english-only</loc>
    <lastmod>{T}</lastmod>
  </url>
  <url>
    <loc>{B}/ja/summaries/2026-01-15-from-ja</loc>
    <lastmod>{T}</lastmod>
    <xhtml:link rel="alternate" hreflang="en" href="{B}/en/summaries/2026-01-15-from-ja"/>
    <xhtml:link rel="alternate" hreflang="ja" href="{B}/ja/summaries/2026-01-15-from-ja"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="{B}/ja/summaries/2026-01-15-from-ja"/>
  </url>
  <url>
    <loc>{B}/en/summaries/2026-01-15-from-ja</loc>
    <lastmod>{T}</lastmod>
    <xhtml:link rel="alternate" hreflang="en" href="{B}/en/summaries/2026-01-15-from-ja"/>
    <xhtml:link rel="alternate" hreflang="ja" href="{B}/ja/summaries/2026-01-15-from-ja"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="{B}/ja/summaries/2026-01-15-from-ja"/>
  </url>
</urlset>"""


def test_sitemap_file_bytes_are_unchanged(make_app):
    """Homes, a pair (x-default the source), a single locale, and a Japanese-source pair."""
    app = make_app(BASE_URL="https://kakehashi.example", READER_CACHE=False)
    client = app.test_client()
    world = World(app, client)
    world.both(title="Pair")
    world.publish(world.write(title="English only"), "en")
    ja = world.write(source_locale="ja", title="From ja")
    world.translate(ja, locale="en")
    world.publish(ja, "ja", "en")
    body = client.get("/sitemap-1.xml").get_data(as_text=True)
    times = re.findall(r"<lastmod>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)</lastmod>", body)
    assert len(times) == 5
    expected = SITEMAP_GOLDEN.replace("{B}", "https://kakehashi.example")
    for when in times:
        expected = expected.replace("{T}", when, 1)
    assert body == expected


def test_host_header_never_enters_links(world, client):
    created = world.both()
    for path in ("/en/", f"/ja/summaries/{created['slug']}", "/sitemap-1.xml", "/ja/feed.atom"):
        html = client.get(path, headers={"Host": "localhost:8080"}).get_data(as_text=True)
        assert "localhost" not in html, path
        assert "http://127.0.0.1:5000/" in html, path


# -- 2. locale choice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cookie,accept,expected",
    [
        (None, "ja-JP,ja;q=0.9,en;q=0.8", "/ja/"),
        (None, "en;q=0.3, ja-JP;q=0.8", "/ja/"),
        (None, "ja;q=0.2, en-GB;q=0.9", "/en/"),
        (None, "fr, de;q=0.5", "/en/"),
        (None, None, "/en/"),
        ("en", "ja", "/en/"),
        ("ja", "en", "/ja/"),
        ("xx", "ja", "/ja/"),
    ],
)
def test_root_redirects_by_saved_choice_then_accept_language(client, cookie, accept, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    resp = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(expected)
    assert {"Accept-Language", "Cookie"} <= set(resp.vary)


def test_the_url_decides_the_language_even_for_404(client):
    client.get("/ja/")  # the reader once chose Japanese
    for path in ("/en/no-such-page", "/en/summaries/no-such-summary"):
        resp = client.get(path, headers={"Accept-Language": "ja"})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 404
        assert '<html lang="en">' in html and "Page not found" in html, path
        assert 'href="/en/"' in html  # a way back, in the same language
    ja = client.get("/ja/no-such-page").get_data(as_text=True)
    assert '<html lang="ja">' in ja


def test_mistyped_slug_is_not_found_but_a_missing_translation_says_so(world, client):
    created = world.write()
    world.publish(created, "en")
    typo = client.get(f"/ja/summaries/{created['slug']}x").get_data(as_text=True)
    assert "Not available in this language" not in typo and "ページが見つかりません" in typo
    missing = client.get(f"/ja/summaries/{created['slug']}")
    assert missing.status_code == 404
    assert f'href="/en/summaries/{created["slug"]}"' in missing.get_data(as_text=True)


def test_switcher_keeps_the_reader_on_the_same_page_or_says_it_is_missing(world, client):
    pair = world.both()
    only_en = world.write()
    world.publish(only_en, "en")
    html = client.get(f"/en/summaries/{pair['slug']}").get_data(as_text=True)
    choose = f'<a href="/choose/ja?next=/ja/summaries/{pair["slug"]}" hreflang="ja" lang="ja">'
    assert choose in html
    html = client.get(f"/en/summaries/{only_en['slug']}").get_data(as_text=True)
    switcher = html[html.index('class="lang-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert f"/ja/summaries/{only_en['slug']}" not in switcher
    assert "not available yet" in switcher
    html = client.get("/en/search?q=alliance").get_data(as_text=True)
    assert 'href="/choose/ja?next=/ja/search?q%3Dalliance"' in html
    html = client.get("/en/archive/2026/1/").get_data(as_text=True)
    assert 'href="/choose/ja?next=/ja/archive/2026/1/" hreflang="ja"' in html


# -- 3. provenance and staleness ---------------------------------------------------------------


def test_translated_page_states_provenance_dates_and_staleness(world, client):
    created = world.write(source_locale="ja", title="日米防衛相会談")
    world.translate(created, "en", text=lambda key: f"English {key}.")
    world.publish(created, "ja", "en")
    slug = created["slug"]
    en = client.get(f"/en/summaries/{slug}").get_data(as_text=True)
    assert 'data-origin="human"' in en
    assert re.search(r"Translated from Japanese by a translator; approved on \w+ \d+, \d{4}\.", en)
    assert f'<a href="/ja/summaries/{slug}" hreflang="ja">Read the original</a>' in en
    assert re.search(r"Published <time datetime=\"[^\"]+\">\w+ \d+, \d{4}</time>", en)
    assert "Updated" not in en  # published once
    ja = client.get(f"/ja/summaries/{slug}").get_data(as_text=True)
    assert "provenance" not in ja  # the original says nothing about translation

    # The source is edited and republished: the translation says it lags behind.
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"lede": "会談後の新しいリード。"},
        headers={**world.liaison, "If-Match": str(created["version"])},
    )
    assert resp.status_code == 200, resp.json
    world.publish(created, "ja")
    en = client.get(f"/en/summaries/{slug}").get_data(as_text=True)
    assert re.search(
        r"The Japanese original was updated on \w+ \d+, \d{4}; "
        r"this translation is being reviewed\.",
        en,
    )
    assert f'<a href="/ja/summaries/{slug}" hreflang="ja">Read the updated original</a>' in en
    ja = client.get(f"/ja/summaries/{slug}").get_data(as_text=True)
    assert "notice-stale" not in ja and "<time" in ja


def test_a_reviewed_machine_draft_is_called_so(world, client):
    from webapp.jobs.worker import run_worker

    created = world.write()
    run_worker(world.app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=world.translator).json
    for seg in tr["segments"]:
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": seg["text"] or "訳",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=world.translator,
        )
        assert resp.status_code == 200, resp.json
    client.post(f"/api/v1/translations/{tr_id}/approve", headers=world.translator)
    world.publish(created, "en", "ja")
    ja = client.get(f"/ja/summaries/{created['slug']}").get_data(as_text=True)
    assert 'data-origin="machine_reviewed"' in ja
    assert f'href="/en/summaries/{created["slug"]}"' in ja


# -- 4. head of every page ---------------------------------------------------------------------


def test_hreflang_pairs_are_reciprocal_with_canonical_and_social_meta(world, client):
    pair = world.both()
    only_en = world.write()
    world.publish(only_en, "en")
    base = "http://127.0.0.1:5000"
    pages = {
        loc: Head(client.get(f"/{loc}/summaries/{pair['slug']}").get_data(as_text=True))
        for loc in ("en", "ja")
    }
    for loc, head in pages.items():
        assert head.lang == loc
        assert head.canonical() == f"{base}/{loc}/summaries/{pair['slug']}"
        alternates = head.hreflang()
        assert set(alternates) == {"en", "ja", "x-default"}
        assert alternates["x-default"] == f"{base}/en/summaries/{pair['slug']}"  # the source
        for other in alternates:
            if other == "x-default":
                continue
            # the page it points to points back here
            assert pages[other].hreflang()[loc] == head.canonical()
        assert head.meta("og:locale") == {"en": "en_US", "ja": "ja_JP"}[loc]
        assert head.meta("og:url") == head.canonical()
        assert head.meta("og:type") == "article"
        assert head.meta("twitter:card") == "summary"
    assert pages["en"].meta("og:title") == pages["en"].meta("twitter:title")
    single = Head(client.get(f"/en/summaries/{only_en['slug']}").get_data(as_text=True))
    assert set(single.hreflang()) == {"en", "x-default"}
    home = Head(client.get("/ja/").get_data(as_text=True))
    assert home.hreflang() == {"en": f"{base}/en/", "ja": f"{base}/ja/", "x-default": f"{base}/"}


def test_other_language_text_carries_its_own_lang(client):
    html = client.get("/en/").get_data(as_text=True)
    assert '<span lang="ja">架け橋</span>' in html
    assert '<a href="/choose/ja?next=/ja/" hreflang="ja" lang="ja">日本語</a>' in html


# -- 5. lists ----------------------------------------------------------------------------------


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="summary-title headline"><a href="[^"]+">(.+?)</a></h2>', html)


def _next(html: str, rel: str) -> str | None:
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_keyset_pagination_walks_every_summary_once_both_ways(make_app):
    app = make_app(READER_PAGE_SIZE=3)
    client = app.test_client()
    world = World(app, client)
    for day in (3, 3, 3, 9, 12, 12, 20):  # several on one day: the id breaks the tie
        world.publish(world.write(meeting_date=f"2026-02-{day:02d}"), "en")
    seen, pages, url = [], [], "/en/"
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(_titles(html))
        seen += pages[-1]
        url = _next(html, "next")
        if len(pages) == 2:
            # something new is published between two pages: no gap, no repeat
            world.publish(world.write(meeting_date="2026-03-01", title="Late news"), "en")
    assert len(seen) == 7 and len(set(seen)) == 7
    assert [len(p) for p in pages] == [3, 3, 1]
    # and back towards newer pages
    html = client.get(_next(html, "prev")).get_data(as_text=True)
    assert _titles(html) == pages[1]
    html = client.get(_next(html, "prev")).get_data(as_text=True)
    assert _titles(html) == pages[0]
    newest = client.get(_next(html, "prev")).get_data(as_text=True)
    assert _titles(newest) == ["Late news"]  # published meanwhile: one step newer
    assert _next(newest, "prev") is None
    assert client.get("/en/?before=garbage").status_code == 200


def test_lists_show_only_their_locale_and_archive_country_participant(world, client):
    pair = world.both(meeting_date="2025-12-01", title="December meeting")
    only_en = world.write(meeting_date="2026-01-15", title="January meeting")
    world.publish(only_en, "en")
    en = client.get("/en/").get_data(as_text=True)
    ja = client.get("/ja/").get_data(as_text=True)
    assert _titles(en) == ["January meeting", "December meeting"]
    assert _titles(ja) == ["訳title"]
    archive = client.get("/en/archive/").get_data(as_text=True)
    assert "December 2025" in archive and "January 2026" in archive
    assert 'href="/en/archive/2025/12/"' in archive
    assert _titles(client.get("/en/archive/2025/12/").get_data(as_text=True)) == [
        "December meeting"
    ]
    assert _titles(client.get("/ja/archive/2026/1/").get_data(as_text=True)) == []
    assert _titles(client.get("/en/archive/2026/").get_data(as_text=True)) == ["January meeting"]
    assert client.get("/en/archive/2026/13/").status_code == 404
    assert client.get("/en/archive/99999/1/").status_code == 404
    countries = client.get("/ja/countries/").get_data(as_text=True)
    assert 'href="/ja/countries/jp">日本</a>' in countries
    assert _titles(client.get("/en/countries/jp").get_data(as_text=True)) == [
        "January meeting",
        "December meeting",
    ]
    assert client.get("/en/countries/japan").status_code == 404
    people = client.get("/ja/participants/").get_data(as_text=True)
    assert "訳participant.0.name" in people
    hegseth = client.get("/en/participants/Pete Hegseth").get_data(as_text=True)
    assert _titles(hegseth) == ["January meeting", "December meeting"]
    # the switcher finds the same person under their Japanese name
    assert 'href="/choose/ja?next=/ja/participants/%25E8%25A8%25B3participant.0.name"' in hegseth
    assert client.get("/en/participants/Nobody").status_code == 404
    assert pair  # published in both


def test_withdrawn_summaries_leave_lists_feeds_and_sitemap(world, client):
    created = world.both(title="Soon withdrawn")
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/withdraw",
        json={"locales": ["en"], "reason": "Published by mistake."},
        headers=world.liaison,
    )
    assert resp.status_code == 200, resp.json
    assert _titles(client.get("/en/").get_data(as_text=True)) == []
    assert b"Soon withdrawn" not in client.get("/en/feed.atom").data
    assert f"/en/summaries/{created['slug']}".encode() not in client.get("/sitemap-1.xml").data
    assert client.get(f"/en/summaries/{created['slug']}").status_code == 410
    assert _titles(client.get("/ja/").get_data(as_text=True)) == ["訳title"]


# -- 8. errors and caching ---------------------------------------------------------------------


def test_summary_answers_304_with_etag_and_last_modified(world, client):
    created = world.both()
    url = f"/en/summaries/{created['slug']}"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=60, s-maxage=60"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    from flask import template_rendered

    rendered: list[str] = []
    record = lambda _app, template, context, **extra: rendered.append(template.name)  # noqa: E731
    template_rendered.connect(record)
    try:
        again = client.get(url, headers={"If-None-Match": etag})
    finally:
        template_rendered.disconnect(record)
    assert again.status_code == 304 and again.data == b""
    assert rendered == []  # answered before the page was rendered
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # a new snapshot of the other language changes the page (switcher, staleness): new ETag
    world.translate(created, text=lambda key: f"改訂{key}")
    world.publish(created, "ja")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    feed = client.get("/en/feed.atom")
    assert (
        client.get("/en/feed.atom", headers={"If-None-Match": feed.headers["ETag"]}).status_code
        == 304
    )


def test_staff_never_get_public_caching(app, world, client):
    from tests.conftest import csrf_token
    from tests.factories import PASSWORD, make_user

    created = world.both()
    email = make_user(app, "liaison", email="reader-staff@example.org")
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    resp = client.get(f"/en/summaries/{created['slug']}")
    assert resp.headers["Cache-Control"] == "no-store"
    assert "ETag" not in resp.headers


def test_server_errors_are_a_page_in_the_url_language_without_a_trace(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/ja/boom")
    def boom():
        raise RuntimeError("secret stack detail")

    resp = app.test_client().get("/ja/boom")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert '<html lang="ja">' in html and 'href="/ja/"' in html
    assert "secret stack detail" not in html and "Traceback" not in html


def test_a_quote_the_text_already_carries_is_read_there_and_not_again_in_either_language(
    world, client
):
    """An imported release keeps its quotes in its paragraphs and lists them as quotes too: the
    page shows such a quote once, in the text, in both languages; a quote the text does not
    carry still has its place under "Quotes"."""
    created = world.both(
        body=(
            'Hegseth opened the talks. "We will keep strengthening the alliance in every way,"\n'
            "Hegseth said.\n\nKoizumi thanked his host for the morning workout."
        ),
        quotes=[
            {
                "speaker": "Pete Hegseth",
                "text": "We will keep strengthening the alliance in every way",
            },
            {"speaker": "Shinjiro Koizumi", "text": "Our cooperation has never been closer."},
        ],
    )
    # Nor does the translator translate it twice: the quote the text holds has no segments.
    tr_id = created["translations"]["ja"]["id"]
    segments = world.client.get(f"/api/v1/translations/{tr_id}", headers=world.translator).json
    keys = {s["key"] for s in segments["segments"]}
    assert {"quote.1.text", "quote.1.speaker"} <= keys
    assert not {"quote.0.text", "quote.0.speaker"} & keys
    assert segments["status"] == "approved"
    for locale, kept, dropped in (
        ("en", "Our cooperation has never been closer.", "in every way</p></blockquote>"),
        ("ja", "訳quote.1.text", "in every way"),
    ):
        page = client.get(f"/{locale}/summaries/{created['slug']}").get_data(as_text=True)
        quotes = page.split('<section class="quotes"', 1)[1].split("</section>", 1)[0]
        assert kept in quotes and dropped not in quotes
        assert quotes.count("<blockquote>") == 1
    # The Japanese page's search index does not hold the English words of that quote.
    assert _titles(client.get("/ja/search?q=strengthening").get_data(as_text=True)) == []
    assert len(_titles(client.get("/en/search?q=strengthening").get_data(as_text=True))) == 1


def test_photos_are_spread_through_the_text_the_first_after_the_lede(app, world, client):
    """Three photos and four paragraphs: one after the lede, the others before paragraphs 2
    and 3, in their order, each image loaded lazily but the first."""
    created = world.write(
        lede="The lede.", body="First paragraph.\n\nSecond.\n\nThird.\n\nFourth paragraph."
    )
    for n in range(3):
        resp = upload(
            client,
            created["id"],
            world.liaison,
            image_bytes(),
            caption=f"Photo number {n}.",
            alt=f"Alt {n}.",
        )
        assert resp.status_code == 201, resp.json
    world.publish(created, "en")
    page = client.get(f"/en/summaries/{created['slug']}").get_data(as_text=True)
    article = page.split('<p class="lede">', 1)[1].split("</article>", 1)[0]
    order = re.findall(r"(Photo number \d|First paragraph|Second|Third|Fourth paragraph)", article)
    assert order == [
        "Photo number 0",
        "First paragraph",
        "Photo number 1",
        "Second",
        "Photo number 2",
        "Third",
        "Fourth paragraph",
    ]
    images = re.findall(r"<img [^>]*>", article)
    assert len(images) == 3
    assert "loading=" not in images[0] and all('loading="lazy"' in i for i in images[1:])


def test_robots_txt_and_favicon_are_served_where_crawlers_and_browsers_ask(client):
    """Both answered 308 then 404 (issue 21, item 9): `/<locale>/` took them for a locale."""
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots.mimetype == "text/plain"
    text = robots.get_data(as_text=True)
    assert "User-agent: *" in text and "Disallow: /manage/" in text and "Disallow: /api/" in text
    assert re.search(r"^Sitemap: http\S+/sitemap\.xml$", text, re.M)
    assert "Disallow: /en/" not in text and "Disallow: /\n" not in text
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert b"<svg" in icon.data[:300]
