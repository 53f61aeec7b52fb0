"""The staff preview is the reader's page: same template, the content's language rules, drafts
marked, and untranslated parts shown in the source language and listed instead of hidden."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user, staff_headers, summary_payload

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def test_the_preview_shows_the_whole_page_and_says_what_readers_would_miss(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    topic = {"slug": "alliance", "names": {"en": "Alliance", "ja": "日米同盟"}}
    client.post("/api/v1/topics", json=topic, headers=liaison)
    created = client.post(
        "/api/v1/summaries", json=summary_payload(topics=["alliance"]), headers=liaison
    ).json
    tr = client.get(
        f"/api/v1/translations/{created['translations']['ja']['id']}", headers=translator
    ).json
    title = next(s for s in tr["segments"] if s["key"] == "title")
    saved = client.put(
        f"/api/v1/translations/{tr['id']}/segments/{title['id']}",
        json={"text": "ヘグセス長官、小泉大臣を迎える", "version": title["version"]},
        headers=translator,
    )
    assert saved.status_code == 200
    email = make_user(app, "liaison", email="previewer@example.org")
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    browser.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    html = browser.get(f"/manage/summaries/{created['id']}/preview/ja").get_data(as_text=True)
    article = html[html.index('<article class="summary" lang="ja">') :]
    # The reader's sections, in Japanese even for an English-speaking member of staff.
    assert "ヘグセス長官、小泉大臣を迎える" in article
    assert "2026年1月15日" in article and "出席者" in article and "発言" in article
    assert 'href="/ja/topics/alliance"' in article and "日米同盟" in article
    # Nothing vanishes: untranslated parts are listed and shown in English.
    untranslated = len(tr["segments"]) - 1
    assert f"{untranslated} parts are not translated yet" in html
    assert "Pete Hegseth" in article and "America first does not mean alone." in article
    assert "1 part is a draft that no translator has approved yet." in html
    assert re.search(r"<li>Paragraph 1, sentence 1</li>", html), "parts listed by their labels"
    # The source-language preview has nothing to warn about.
    en = browser.get(f"/manage/summaries/{created['id']}/preview/en").get_data(as_text=True)
    assert "not translated yet" not in en and "Participants" in en


def test_a_quote_the_text_holds_is_named_on_the_preview_not_dropped_without_a_word(app, client):
    """Issue 21, item 5: a quote the body holds word for word is read there, not twice; the
    liaison's preview says so and names it. A quote matching only inside a word is shown."""
    liaison = staff_headers(app, "liaison")
    quotes = [
        {"speaker": "Pete Hegseth", "text": "Both leaders praised the U.S.-Japan alliance."},
        {"speaker": "Pete Hegseth", "text": "Koizumi call"},  # only inside "Koizumi called"
        {"speaker": "Pete Hegseth", "text": "Secretary of War Pete Hegseth welcomed Japan"},
    ]
    created = client.post(
        "/api/v1/summaries", json=summary_payload(quotes=quotes), headers=liaison
    ).json
    email = make_user(app, "liaison", email="previewer@example.org")
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    browser.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    for locale in ("en", "ja"):
        html = browser.get(f"/manage/summaries/{created['id']}/preview/{locale}").get_data(
            as_text=True
        )
        note = html[html.index("data-quotes-in-text") : html.index('<div class="preview-page">')]
        assert "2 quotes are not repeated under “Quotes”" in note
        assert "Both leaders praised the U.S.-Japan alliance." in note
        assert "Secretary of War Pete Hegseth welcomed Japan" in note
        article = html[html.index('<div class="preview-page">') :]
        pulled = article[article.index('class="quotes"') :]
        # "Koizumi call" stands in the text only inside "Koizumi called": shown on its own.
        assert "<blockquote><p>Koizumi call</p></blockquote>" in pulled
        assert "Both leaders praised" not in pulled
