"""Reader search folds what readers cannot be expected to type (accents, width, kana, case), points
to the other language when this one finds nothing, and the search page has one search box."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.functional.test_reader_site import ATOM, World, _titles

pytestmark = pytest.mark.backends("sqlite", "postgresql")

JA = {"title": "ヘグセス長官、小泉防衛大臣と会談", "location": "国防総省"}


def ja_text(key: str) -> str:
    return JA.get(key, "ヘグセス長官はパスポートの話をした。")


@pytest.fixture
def world(make_app):
    app = make_app()
    return World(app, app.test_client())


def _search(world: World, locale: str, q: str) -> str:
    resp = world.client.get(f"/{locale}/search", query_string={"q": q})
    assert resp.status_code == 200, q
    return resp.get_data(as_text=True)


def test_english_search_ignores_accents_case_and_width_and_marks_the_original(world):
    world.publish(world.write(title="Shinjirō Koizumi visits the Pentagon"), "en")
    for q in ("Shinjiro Koizumi", "SHINJIRO", "shinjirō", "Ｓｈｉｎｊｉｒｏ", "ｋｏｉｚｕｍｉ"):
        assert _titles(_search(world, "en", q)), q
    titles = _titles(_search(world, "en", "Shinjiro"))
    assert titles == ["<mark>Shinjirō</mark> Koizumi visits the Pentagon"]
    # a name only in the participants (not the title) is found without its macron too
    world.publish(world.write(title="Talks on readiness", meeting_date="2026-02-01"), "en")
    assert len(_titles(_search(world, "en", "shinjiro koizumi"))) == 2
    assert _titles(_search(world, "en", "Shinjiru")) == []


def test_japanese_search_folds_kana_and_width_but_keeps_voicing(world):
    world.both(text=ja_text, title="Hegseth hosts Koizumi")
    for q in ("へぐせす", "ヘグセス", "ﾍｸﾞｾｽ", "ぱすぽーと", "ﾊﾟｽﾎﾟｰﾄ"):
        assert _titles(_search(world, "ja", q)), q
    assert _titles(_search(world, "ja", "へぐせす")) == [
        "<mark>ヘグセス</mark>長官、小泉防衛大臣と会談"
    ]
    snippet = re.search(r'<p class="snippet">(.*?)</p>', _search(world, "ja", "ぱすぽーと"), re.S)
    assert snippet and "<mark>パスポート</mark>" in snippet.group(1)
    # voicing marks tell words apart: は, ば and ぱ are not the same letter
    assert _titles(_search(world, "ja", "へくせす")) == []
    assert _titles(_search(world, "ja", "ばすぽーと")) == []


def test_a_search_that_finds_nothing_here_points_to_the_other_language(world):
    world.both(title="Alliance talks at the Pentagon", text=lambda key: "日米防衛相会談")
    en = _search(world, "en", "防衛")
    assert _titles(en) == []
    assert re.search(r'<a href="/ja/search\?q=%E9%98%B2%E8%A1%9B"[^>]*>1 result in 日本語</a>', en)
    ja = _search(world, "ja", "alliance")
    assert _titles(ja) == []
    assert re.search(
        r'<a href="/en/search\?q=alliance"[^>]*>English では 1 件見つかりました</a>', ja
    )
    # found here: no pointer; found nowhere: none either
    assert "search-elsewhere" not in _search(world, "en", "alliance")
    nowhere = _search(world, "en", "zzzyzzy")
    assert "result in" not in nowhere and "results in" not in nowhere


def test_the_search_page_has_one_search_box_and_other_pages_keep_the_header_one(world):
    for q in ("", "alliance"):
        html = _search(world, "en", q)
        assert len(re.findall(r'type="search"', html)) == 1, q
        assert 'id="q"' in html
    assert len(re.findall(r'type="search"', world.client.get("/en/").get_data(as_text=True))) == 1


def test_a_feed_entry_without_a_lede_does_not_repeat_its_title(world):
    world.publish(world.write(title="No lede here"), "en")
    world.publish(world.write(title="With a lede", lede="A lede of its own."), "en")
    root = ET.fromstring(world.client.get("/en/feed.atom").data)
    entries = {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}
    assert entries["With a lede"].findtext(f"{ATOM}summary") == "A lede of its own."
    summary = entries["No lede here"].findtext(f"{ATOM}summary")
    assert summary != "No lede here"
    assert summary is None or summary.startswith("Secretary of War Pete Hegseth welcomed")


def test_the_migration_folds_what_is_indexed_and_its_downgrade_writes_it_back(
    empty_database, app_config
):
    """Documents indexed before 0039 are folded by it; its downgrade restores the text."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select

    from webapp import create_app
    from webapp.extensions import db
    from webapp.search.models import SearchDocument

    app = create_app(app_config)

    def document() -> str:
        with app.app_context():
            return db.session.scalar(select(SearchDocument.text))

    def migrate(step, **kw) -> None:
        with app.app_context():
            step(**kw)

    migrate(upgrade)
    world = World(app, app.test_client())  # requests in their own app contexts
    world.publish(world.write(title="Shinjirō Koizumi at the Pentagon"), "en")
    folded = document()
    assert folded.startswith("shinjiro koizumi at the pentagon")
    migrate(downgrade, revision="0039_search_fold-1")  # the revision before it
    assert document().startswith("Shinjirō Koizumi at the Pentagon")
    assert _titles(_search(world, "en", "shinjiro")) == []
    migrate(upgrade)
    assert document() == folded
    assert _titles(_search(world, "en", "shinjiro"))
    with app.app_context():
        db.engine.dispose()
