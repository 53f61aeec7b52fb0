"""Reader search: each locale finds its own published text only, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from tests.functional.test_reader_site import World, _next, _titles

pytestmark = pytest.mark.backends("sqlite", "postgresql")

JA = {
    "title": "日米防衛相会談",
    "location": "国防総省",
}


def ja_text(key: str) -> str:
    return JA.get(key, "両氏は同盟の抑止力を確認した。")


@pytest.fixture
def world(make_app):
    app = make_app(READER_PAGE_SIZE=2)
    return World(app, app.test_client())


def test_search_finds_its_own_language_only_and_published_text_only(world):
    client = world.client
    world.both(text=ja_text, title="Alliance talks at the Pentagon")
    draft = world.write(title="Secret unpublished alliance draft")
    world.translate(draft, text=lambda key: "未公開の防衛草案", approve=False)

    ja = client.get("/ja/search?q=防衛").get_data(as_text=True)
    assert _titles(ja) == ["日米<mark>防衛</mark>相会談"]
    assert "未公開" not in ja
    assert _titles(client.get("/ja/search?q=抑止力").get_data(as_text=True)) == ["日米防衛相会談"]
    en = client.get("/en/search?q=Alliance").get_data(as_text=True)
    assert _titles(en) == ["<mark>Alliance</mark> talks at the Pentagon"]
    assert "Secret unpublished" not in en
    assert _titles(client.get("/en/search?q=pentagon ALLIANCE").get_data(as_text=True))
    # each locale finds its own language only
    assert _titles(client.get("/en/search?q=防衛").get_data(as_text=True)) == []
    assert _titles(client.get("/ja/search?q=Alliance").get_data(as_text=True)) == []


def test_search_highlights_after_escaping_and_refuses_nothing_with_500(world):
    client = world.client
    world.publish(world.write(title="R&D <b>talks</b> on defense"), "en")
    html = client.get("/en/search?q=talks").get_data(as_text=True)
    assert _titles(html) == ["R&amp;D &lt;b&gt;<mark>talks</mark>&lt;/b&gt; on defense"]
    for q in ['"', "*", "NEAR(", 'a"b', "%", "_", "\\", "\x00defense", "OR", "-", "()", "ß" * 3]:
        resp = client.get("/en/search", query_string={"q": q})
        assert resp.status_code == 200, q
    assert _titles(client.get("/en/search?q=%").get_data(as_text=True)) == []
    assert _titles(client.get("/en/search?q=%00defense").get_data(as_text=True))
    long = client.get("/en/search", query_string={"q": "x" * 10_000})
    assert long.status_code == 400
    assert "at most 200 characters" in long.get_data(as_text=True)
    assert client.get("/en/search").status_code == 200


def test_search_is_paginated_and_follows_publish_and_withdraw(world):
    client = world.client
    for day in (1, 2, 3):
        world.publish(
            world.write(title=f"Defense talks {day}", meeting_date=f"2026-03-0{day}"), "en"
        )
    first = client.get("/en/search?q=defense").get_data(as_text=True)
    assert len(_titles(first)) == 2
    second = client.get(_next(first, "next")).get_data(as_text=True)
    assert len(_titles(second)) == 1
    assert "q=defense" in _next(first, "next")
    # republishing replaces the indexed text
    created = world.write(title="Old wording", meeting_date="2026-04-01")
    world.publish(created, "en")
    assert _titles(client.get("/en/search?q=wording").get_data(as_text=True))
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"title": "New phrasing"},
        headers={**world.liaison, "If-Match": str(created["version"])},
    )
    assert resp.status_code == 200
    world.publish(created, "en")
    assert _titles(client.get("/en/search?q=wording").get_data(as_text=True)) == []
    assert _titles(client.get("/en/search?q=phrasing").get_data(as_text=True)) == [
        "New <mark>phrasing</mark>"
    ]
    withdrawn = client.post(
        f"/api/v1/summaries/{created['id']}/withdraw",
        json={"locales": ["en"], "reason": "Wrong date."},
        headers=world.liaison,
    )
    assert withdrawn.status_code == 200
    assert _titles(client.get("/en/search?q=phrasing").get_data(as_text=True)) == []


def test_reindex_rebuilds_the_same_results(world):
    from webapp.extensions import db
    from webapp.search import services as finder

    world.both(text=ja_text, title="Alliance talks")
    before = _titles(world.client.get("/ja/search?q=防衛").get_data(as_text=True))
    with world.app.app_context():
        assert finder.reindex_all(db.session) == 2
        db.session.commit()
    assert _titles(world.client.get("/ja/search?q=防衛").get_data(as_text=True)) == before
    assert re.search("防衛", before[0])


def test_flask_search_reindex_rebuilds_the_index(app, client, runner):
    from sqlalchemy import delete

    from tests.factories import staff_headers, summary_payload
    from webapp.extensions import db
    from webapp.search.models import SearchDocument

    headers = staff_headers(app, "liaison", email="reindex@example.org")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=headers).json
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=headers
    )
    with app.app_context():
        db.session.execute(delete(SearchDocument))
        db.session.commit()
    assert "<mark>" not in client.get("/en/search?q=Pentagon").get_data(as_text=True)
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 1" in result.output
    assert "<mark>" in client.get("/en/search?q=Pentagon").get_data(as_text=True)


def _walk(client, url: str) -> tuple[list[list[str]], list[list[str]]]:
    """Every page's titles following "next" links, then back following "prev" links."""
    forward: list[list[str]] = []
    html = ""
    while url:
        html = client.get(url).get_data(as_text=True)
        forward.append(_titles(html))
        url = _next(html, "next")
    back = [forward[-1]]
    while url := _next(html, "prev"):
        html = client.get(url).get_data(as_text=True)
        back.append(_titles(html))
    return forward, back[::-1]


def test_a_common_word_over_several_pages_whether_probed_or_collected(world, monkeypatch):
    """SQLite probes each listed row's document when a word is in many documents and collects
    the index's hits when it is rare (finder.COMMON_HITS): both give the same pages, newest
    meeting first (ids out of date order, ties on a day), forwards and back."""
    from webapp.search import services as finder

    client = world.client
    days = ["2026-03-05", "2026-03-01", "2026-03-09", "2026-03-01", "2026-02-20"]
    for n, day in enumerate(days):
        world.both(text=ja_text, title=f"Kestrel round {n}", meeting_date=day)
    world.publish(world.write(title="Budget talks", meeting_date="2026-03-07"), "en")
    world.publish(world.write(title="Kestrel only in English"), "en")
    expected_en = [
        "<mark>Kestrel</mark> round 2",
        "<mark>Kestrel</mark> round 0",
        "<mark>Kestrel</mark> round 3",
        "<mark>Kestrel</mark> round 1",
        "<mark>Kestrel</mark> round 4",
        "<mark>Kestrel</mark> only in English",
    ]
    results = {}
    for cap in (1, 2, 1000):
        monkeypatch.setattr(finder, "COMMON_HITS", cap)
        en_pages, en_back = _walk(client, "/en/search?q=kestrel")
        ja_pages, ja_back = _walk(client, "/ja/search?q=同盟")  # two characters: LIKE
        mixed, _ = _walk(client, "/ja/search?q=同盟 抑止力")
        assert en_back == en_pages and ja_back == ja_pages
        assert [len(p) for p in en_pages] == [2, 2, 2]
        assert [t for page in en_pages for t in page] == expected_en
        assert [len(p) for p in ja_pages] == [2, 2, 1]
        assert [len(p) for p in mixed] == [2, 2, 1]
        results[cap] = (en_pages, ja_pages, mixed)
    assert results[1] == results[2] == results[1000]
