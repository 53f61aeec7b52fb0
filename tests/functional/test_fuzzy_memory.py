"""Fuzzy translation memory: close matches ranked and scored per locale pair, numbers fitted to
the new source, and "Use this" saving a match as a draft without overwriting anyone's text."""

from __future__ import annotations

import re

import pytest
from rapidfuzz.distance import Levenshtein

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.translation.models import MemoryEntry
from webapp.translation.segmentation import segment_hash

pytestmark = pytest.mark.backends("sqlite", "postgresql")

NEW = "Both leaders praised the U.S.-Japan alliance on 15 January."
CLOSE = "Both leaders praised the U.S.-Japan alliance on 14 January."  # one number differs
FARTHER = "Both leaders warmly praised the U.S.-Japan alliance on 3 March."  # 76%
BELOW = "Both leaders criticised the U.S.-Japan treaty on 3 March."  # 66%: not offered
FAR = "The weather in Washington was fine all week."
BODY = f"{NEW} Koizumi called the morning workout a symbol of the alliance."


def remember(app, source_locale, target_locale, source, target):
    """An approved memory pair, as approval would have stored it."""
    with app.app_context():
        entry = MemoryEntry(
            source_locale=source_locale,
            target_locale=target_locale,
            source_hash=segment_hash(source),
            source_text=source,
            target_text=target,
        )
        db.session.add(entry)
        db.session.commit()
        return entry.id


def _setup(make_app):
    app = make_app()
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    ids = {
        "close": remember(app, "en", "ja", CLOSE, "両首脳は1月14日、日米同盟を称賛した。"),
        "farther": remember(app, "en", "ja", FARTHER, "両首脳は3月3日、日米同盟を称賛した。"),
        "below": remember(app, "en", "ja", BELOW, "両首脳は3月3日、日米条約を批判した。"),
        "far": remember(app, "en", "ja", FAR, "ワシントンは一週間晴れていた。"),
        # The other direction never serves en->ja, however close its source.
        "other_pair": remember(app, "ja", "en", NEW.replace("15", "16"), "Wrong direction."),
    }
    created = client.post(
        "/api/v1/summaries", json=summary_payload(body=BODY), headers=liaison
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    return app, client, translator, tr_id, ids


def _segment(client, headers, tr_id, source):
    segs = client.get(f"/api/v1/translations/{tr_id}", headers=headers).json["segments"]
    return next(s for s in segs if s["source"] == source)


def test_close_matches_are_ranked_scored_and_kept_to_their_locale_pair(make_app):
    app, client, translator, tr_id, ids = _setup(make_app)
    seg = _segment(client, translator, tr_id, NEW)
    matches = seg["matches"]
    assert [m["id"] for m in matches] == [ids["close"], ids["farther"]]
    for m in matches:
        assert m["score"] == pytest.approx(
            Levenshtein.normalized_similarity(NEW, m["source"]), abs=1e-4
        )
        assert 0.7 <= m["score"] < 1
    assert matches[0]["score"] > matches[1]["score"]
    # One number differs each side and occurs once in the target: it is fitted to the new source.
    assert matches[0]["target"] == "両首脳は1月15日、日米同盟を称賛した。"
    assert matches[0]["replaced"] == ["14", "15"]
    assert matches[1]["target"] == "両首脳は3月3日、日米同盟を称賛した。"  # "3" twice: unsure
    assert matches[1]["replaced"] is None
    # The single-segment answer of a save carries the same matches.
    saved = client.put(
        f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
        json={"text": "下書き", "version": seg["version"]},
        headers=translator,
    ).json
    assert [m["id"] for m in saved["matches"]] == [ids["close"], ids["farther"]]


def test_the_exact_match_fills_the_segment_and_is_not_offered_again(make_app):
    app, client, translator, tr_id, ids = _setup(make_app)
    exact = remember(app, "en", "ja", FAR.replace("fine", "rainy"), "雨だった。")
    created = client.post(
        "/api/v1/summaries",
        json=summary_payload(body=FAR.replace("fine", "rainy"), title="Rain"),
        headers=staff_headers(app, "liaison", email="second@example.org"),
    ).json
    run_worker(app, burst=True)
    seg = _segment(
        client, translator, created["translations"]["ja"]["id"], FAR.replace("fine", "rainy")
    )
    assert seg["origin"] == "tm" and seg["text"] == "雨だった。"
    assert exact not in [m["id"] for m in seg["matches"]]
    assert [m["id"] for m in seg["matches"]] == [ids["far"]]


def test_japanese_sources_match_by_characters(make_app):
    app = make_app()
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["en"])
    new = "小泉進次郎防衛大臣は2026年1月15日、国防総省を訪れた。"
    close = remember(
        app,
        "ja",
        "en",
        "小泉進次郎防衛大臣は2025年1月15日、国防総省を訪れた。",
        "Defense Minister Koizumi visited the Pentagon on 15 January 2025.",
    )
    remember(app, "en", "ja", new.replace("15", "16"), "逆方向")  # en->ja: not for ja->en
    body = new + "両氏は日米同盟の強さを評価した。"
    created = client.post(
        "/api/v1/summaries", json=summary_payload("ja", body=body), headers=liaison
    ).json
    run_worker(app, burst=True)
    seg = _segment(client, translator, created["translations"]["en"]["id"], new)
    assert [m["id"] for m in seg["matches"]] == [close]
    assert seg["matches"][0]["target"] == (
        "Defense Minister Koizumi visited the Pentagon on 15 January 2026."
    )


def _workspace_form(client, tr_id, seg_id):
    page = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    form = re.search(rf'<form[^>]*id="seg-{seg_id}".*?</form>', page, re.S).group(0)
    version = re.search(rf'name="s{seg_id}-version"[^>]*value="(\d+)"', form)
    version = version or re.search(rf'value="(\d+)"[^>]*name="s{seg_id}-version"', form)
    return page, form, int(version.group(1))


def test_use_this_saves_the_fitted_match_as_a_draft_without_script(make_app):
    app, client, translator, tr_id, ids = _setup(make_app)
    seg = _segment(client, translator, tr_id, NEW)
    login(client, "translator-ja@example.org")
    page, form, version = _workspace_form(client, tr_id, seg["id"])
    assert "Use this" in form and "% match" in form
    assert "<del>14</del>" in form and "<ins>15</ins>" in form  # the sources' difference
    assert "Number changed from 14 to 15" in form
    url = f"/review/translations/{tr_id}/segments/{seg['id']}/use-match"
    resp = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            f"s{seg['id']}-version": version,
            f"s{seg['id']}-text": seg["text"] or "",
            "memory_id": ids["close"],
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    now = _segment(client, translator, tr_id, NEW)
    assert now["text"] == "両首脳は1月15日、日米同盟を称賛した。"
    assert now["status"] == "draft" and now["origin"] == "human"
    assert now["version"] == version + 1
    # The page that showed the old version may not replace the text now there.
    stale = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            f"s{seg['id']}-version": version,
            "memory_id": ids["farther"],
        },
    )
    assert stale.status_code == 409
    assert _segment(client, translator, tr_id, NEW)["text"] == now["text"]
    # Unsaved text typed in the box is never thrown away for a match: it stays, with a message.
    _, _, version = _workspace_form(client, tr_id, seg["id"])
    typed = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            f"s{seg['id']}-version": version,
            f"s{seg['id']}-text": "翻訳者が打った文",
            "memory_id": ids["farther"],
        },
    )
    assert typed.status_code == 409
    assert "翻訳者が打った文" in typed.get_data(as_text=True)
    assert _segment(client, translator, tr_id, NEW)["text"] == now["text"]
    # A match that is not offered for this segment (other pair, or nonsense) is a clear 4xx.
    for bad in (ids["other_pair"], ids["far"], "abc", ""):
        _, _, version = _workspace_form(client, tr_id, seg["id"])
        resp = client.post(
            url,
            data={
                "csrf_token": csrf_token(page),
                f"s{seg['id']}-version": version,
                "memory_id": bad,
            },
        )
        assert 400 <= resp.status_code < 500, bad
    assert _segment(client, translator, tr_id, NEW)["text"] == now["text"]


def test_a_machine_draft_asked_for_earlier_never_lands_over_the_used_match(make_app):
    app, client, translator, tr_id, ids = _setup(make_app)
    seg = _segment(client, translator, tr_id, NEW)
    login(client, "translator-ja@example.org")
    page, form, version = _workspace_form(client, tr_id, seg["id"])
    base = f"/review/translations/{tr_id}/segments/{seg['id']}"
    fields = {"csrf_token": csrf_token(page), f"s{seg['id']}-version": version}
    assert client.post(f"{base}/machine", data=fields).status_code == 302
    resp = client.post(f"{base}/use-match", data={**fields, "memory_id": ids["close"]})
    assert resp.status_code == 302
    run_worker(app, burst=True)
    now = _segment(client, translator, tr_id, NEW)
    assert now["text"] == "両首脳は1月15日、日米同盟を称賛した。" and now["origin"] == "human"


def test_the_page_looks_up_matches_for_the_first_open_segments_and_the_rest_when_reached(
    make_app,
):
    """REVIEW_MATCHES_ON_LOAD bounds the lookups made as the page opens (each costs tens of ms
    in a large memory): later segments get a placeholder whose fragment, fetched when the
    translator reaches them, holds the same matches the page would have shown; ?matches=all
    (the placeholder's link without script) looks up every one."""
    app = make_app(REVIEW_MATCHES_ON_LOAD=1)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    remember(app, "en", "ja", CLOSE, "両首脳は1月14日、日米同盟を称賛した。")
    other = "Koizumi called the morning run a symbol of the alliance."
    remember(app, "en", "ja", other, "小泉氏は朝のランニングを同盟の象徴と呼んだ。")
    created = client.post(
        "/api/v1/summaries", json=summary_payload(title="Talks", body=BODY), headers=liaison
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    login(client, make_user(app, "translator", ["ja"]))
    every = client.get(f"/review/translations/{tr_id}?matches=all").get_data(as_text=True)
    assert "data-matches-url" not in every and every.count('class="matches"') == 2
    page = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    later = re.findall(r'data-matches-url="([^"]+)"', page)
    open_segments = page.count('data-status="pending"') + page.count('data-status="draft"')
    assert len(later) == open_segments - 1  # the first open one was looked up
    fragments = [client.get(url) for url in later]
    assert all(f.status_code == 200 for f in fragments)
    shown = [page] + [f.get_data(as_text=True) for f in fragments]
    # Between them, the page and its fragments show what the page with every lookup shows.
    blocks = [b for html in shown for b in re.findall(r'<div class="matches".*?</ol>', html, re.S)]
    assert sorted(blocks) == sorted(re.findall(r'<div class="matches".*?</ol>', every, re.S))
    assert any("朝のランニング" in b for b in blocks) and any("日米同盟を称賛" in b for b in blocks)
    assert client.get(later[0].replace(f"/{tr_id}/", "/999999/")).status_code == 404


def test_the_api_leaves_matches_out_when_asked(make_app):
    """A script that only wants the text skips a memory lookup per open segment."""
    app, client, translator, tr_id, ids = _setup(make_app)
    url = f"/api/v1/translations/{tr_id}"
    full = client.get(url, headers=translator).json["segments"]
    assert any(s["matches"] for s in full)
    bare = client.get(f"{url}?matches=none", headers=translator)
    assert bare.status_code == 200
    assert [s["matches"] for s in bare.json["segments"]] == [None] * len(full)
    assert [s["text"] for s in bare.json["segments"]] == [s["text"] for s in full]
    wrong = client.get(f"{url}?matches=some", headers=translator)
    assert wrong.status_code == 422 and "matches" in wrong.json["fields"]
