"""The reader's side: locale negotiation, snapshots, and invariant 1 (no unapproved text)."""

from __future__ import annotations

import pytest

from tests.factories import REASON, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def public_pages(client, slug: str) -> dict[str, str]:
    """Every page a reader (or a crawler) can reach, in every form."""
    paths = [
        "/",
        "/en/",
        "/ja/",
        "/en/feed.atom",
        "/ja/feed.atom",
        "/sitemap.xml",
        "/sitemap-1.xml",
        "/en/search?q=the",
        "/ja/search?q=the",
        f"/en/summaries/{slug}",
        f"/ja/summaries/{slug}",
    ]
    pages = {}
    for path in paths:
        resp = client.get(path, follow_redirects=True)
        pages[path] = resp.get_data(as_text=True)
    return pages


def machine_texts(client, headers, tr_id) -> list[str]:
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=headers).json
    return [
        s["text"] for s in tr["segments"] if s["origin"] == "mt" and len(s["text"].strip()) >= 6
    ]


def test_invariant_1_no_machine_text_reaches_a_reader_before_approval(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    tr_id = created["translations"]["ja"]["id"]
    run_worker(app, burst=True)
    drafts = machine_texts(client, translator, tr_id)
    assert drafts, "the tiny model produced no text to look for"

    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    # The translator approves all but one segment: still nothing may show.
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    for seg in tr["segments"][1:]:
        client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": seg["text"],
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
    forced = client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["ja"]}, headers=liaison
    )
    assert forced.status_code == 409
    for path, html in public_pages(client, created["slug"]).items():
        for text in drafts:
            assert text not in html, f"unapproved machine text on {path}"
    ja = client.get(f"/ja/summaries/{created['slug']}")
    assert ja.status_code == 404
    assert '<html lang="ja">' in ja.get_data(as_text=True)
    assert f"/en/summaries/{created['slug']}" in ja.get_data(as_text=True)  # a way to the English


def test_root_negotiates_from_cookie_then_accept_language(client):
    assert (
        client.get("/", headers={"Accept-Language": "ja,en;q=0.5"})
        .headers["Location"]
        .endswith("/ja/")
    )
    assert client.get("/", headers={"Accept-Language": "fr"}).headers["Location"].endswith("/en/")
    client.get("/ja/")  # reading a page chooses nothing
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"].endswith("/en/")
    client.get("/choose/en?next=/en/")  # the reader chose English with the switcher
    resp = client.get("/", headers={"Accept-Language": "ja"})
    assert resp.headers["Location"].endswith("/en/")


def test_unknown_locale_and_unknown_summary_are_404(client):
    assert client.get("/fr/").status_code == 404
    resp = client.get("/ja/summaries/no-such-thing")
    assert resp.status_code == 404
    assert '<html lang="ja">' in resp.get_data(as_text=True)


def test_published_pages_show_locale_dates_alternates_and_feeds(app, client):
    liaison = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    home = client.get("/en/").get_data(as_text=True)
    assert "January 15, 2026" in home and created["title"] in home
    assert "Nothing has been published" not in home
    feed = client.get("/en/feed.atom")
    assert feed.content_type.startswith("application/atom+xml")
    assert created["title"] in feed.get_data(as_text=True)
    sitemap = client.get("/sitemap-1.xml").get_data(as_text=True)
    assert f"/en/summaries/{created['slug']}" in sitemap
    assert f"/ja/summaries/{created['slug']}" not in sitemap


@pytest.mark.parametrize(
    "locale,heading,empty",
    [
        ("en", "Bilateral meeting summaries", "Nothing has been published in this language yet."),
        ("ja", "日米会談要旨", "この言語で公開されている会談要旨はまだありません。"),
    ],
)
def test_the_interface_speaks_the_page_language(client, locale, heading, empty):
    html = client.get(f"/{locale}/").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html and empty in html
