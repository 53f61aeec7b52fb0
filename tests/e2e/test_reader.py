"""A reader with a Japanese browser lands on /ja/, switches language, searches, browses the archive.

Screenshots of the key pages in both locales at phone and desktop widths are saved under
tests/e2e/screenshots/ (ignored by git) for a person to judge.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.functional.test_reader_site import World

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "screenshots"
JA = {"title": "ヘグセス長官、小泉防衛大臣と会談", "location": "国防総省"}


def test_a_japanese_reader_switches_searches_and_browses(app, live_server, new_page):
    base = live_server
    world = World(app, app.test_client())
    created = world.both(text=lambda key: JA.get(key, "両氏は日米同盟の防衛協力を確認した。"))
    slug = created["slug"]

    page = new_page(width=1280, locale="ja-JP")
    page.goto(f"{base}/")
    assert page.url == f"{base}/ja/"
    assert page.locator("html").get_attribute("lang") == "ja"

    page.click("a:has-text('ヘグセス長官、小泉防衛大臣と会談')")
    assert page.url.endswith(f"/ja/summaries/{slug}")
    page.click(".lang-switcher a[hreflang=en]")
    assert page.url.endswith(f"/en/summaries/{slug}")  # the same summary, in English
    assert page.locator("html").get_attribute("lang") == "en"
    page.click(".lang-switcher a[hreflang=ja]")

    page.fill("#site-q", "防衛")
    page.press("#site-q", "Enter")
    assert "/ja/search" in page.url
    assert page.locator(".summary-list mark").first.inner_text() == "防衛"

    page.click(".reader-nav a[href='/ja/archive/']")
    page.click(".month-list a")
    assert page.url.endswith("/ja/archive/2026/1/")
    assert page.locator(".summary-list li").count() == 1

    SHOTS.mkdir(exist_ok=True)
    paths = {
        "home": "/{loc}/",
        "summary": f"/{{loc}}/summaries/{slug}",
        "search": "/{loc}/search?q={q}",
        "404": "/{loc}/no-such-page",
    }
    for width in (390, 1280):
        for loc, q in (("en", "alliance"), ("ja", "防衛")):
            shot = new_page(width=width, height=900, locale="ja-JP" if loc == "ja" else "en-US")
            for name, path in paths.items():
                shot.goto(base + path.format(loc=loc, q=q))
                assert shot.locator("html").get_attribute("lang") == loc
                shot.screenshot(path=str(SHOTS / f"{name}-{loc}-{width}.png"), full_page=True)
