"""Quality findings reach the API and the page, in the caller's language; errors block approval."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, REASON, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def test_findings_in_the_api_and_errors_block_approval(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    seg = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"][0]
    url = f"/api/v1/translations/{tr_id}/segments/{seg['id']}"
    blocked = client.put(
        url,
        json={
            "text": "⟦0⟧は会談した.",
            "approve": True,
            "reason": REASON,
            "version": seg["version"],
        },
        headers=translator,
    )
    assert blocked.status_code == 422 and "leftover" in blocked.json["fields"]["text"]
    draft = client.put(
        url, json={"text": "⟦0⟧は会談した.", "version": seg["version"]}, headers=translator
    )
    assert draft.status_code == 200
    codes = {(f["code"], f["severity"]) for f in draft.json["qa"]}
    assert {("placeholder", "error"), ("ja_punctuation", "warning")} <= codes
    ja = client.get(
        f"/api/v1/translations/{tr_id}", headers={**translator, "Accept-Language": "ja"}
    ).json["segments"][0]
    assert any("プレースホルダー" in f["message"] or "記号" in f["message"] for f in ja["qa"])
    warned = client.put(
        url,
        json={
            "text": "両氏は会談した.",
            "approve": True,
            "reason": REASON,
            "version": draft.json["version"],
        },
        headers=translator,
    )
    assert warned.status_code == 200 and warned.json["status"] == "approved"  # warnings pass


def test_approving_over_warnings_needs_a_reason_kept_in_the_history(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    seg = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"][0]
    url = f"/api/v1/translations/{tr_id}/segments/{seg['id']}"
    warned = {"text": "両氏は会談した.", "approve": True, "version": seg["version"]}
    for missing in ({}, {"reason": "   "}):
        refused = client.put(url, json=warned | missing, headers=translator)
        assert refused.status_code == 422, refused.json
        assert "ja_punctuation" not in refused.json["fields"]["reason"]  # said in words
        assert "why" in refused.json["fields"]["reason"]
    too_long = client.put(url, json=warned | {"reason": "x" * 301}, headers=translator)
    assert too_long.status_code == 422 and "reason" in too_long.json["fields"]
    approved = client.put(url, json=warned | {"reason": "Style guide 4.2"}, headers=translator)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    latest = client.get(f"{url}/history", headers=translator).json["changes"][0]
    assert latest["kind"] == "approve" and latest["reason"] == "Style guide 4.2"
    assert "ja_punctuation" in latest["waived"]
    # A clean text needs no reason, and one given anyway is not kept.
    clean = client.put(
        url,
        json={
            "text": "両氏は会談した。",
            "approve": True,
            "reason": "not needed",
            "version": approved.json["version"],
        },
        headers=translator,
    )
    assert clean.status_code == 200 and clean.json["qa"] == [], clean.json
    latest = client.get(f"{url}/history", headers=translator).json["changes"][0]
    assert (latest["reason"], latest["waived"]) == (None, [])


def test_the_review_page_asks_for_the_reason_beside_the_segment(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    seg = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"][0]
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    browser.post(
        "/login",
        data={
            "email": "translator-ja@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page),
        },
    )
    link = f"/review/translations/{tr_id}"
    page = browser.get(link).get_data(as_text=True)
    fields = {
        "csrf_token": csrf_token(page),
        f"s{seg['id']}-text": "両氏は会談した.",
        f"s{seg['id']}-version": str(seg["version"]),
        f"s{seg['id']}-approve": "y",
    }
    refused = browser.post(f"{link}/segments/{seg['id']}", data=fields)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'role="alert"' in body
    box = re.search(r'<p class="reason" data-reason( hidden)?>', body)
    assert box and box.group(1) is None  # shown, with the error beside this segment
    # The warnings beside it are those of the text in the box, which the server checked, not
    # those of the machine draft still stored: the same list the page shows once it is saved.
    refused_warnings = _qa_list(body, seg["id"])
    assert refused_warnings
    # The page's script gets them with the refusal too.
    inline = browser.post(
        f"{link}/segments/{seg['id']}",
        data={**fields, "csrf_token": csrf_token(body)},
        headers={"Accept": "application/json"},
    )
    assert inline.status_code == 422 and "reason" in inline.json["fields"]
    assert [(f"qa-{f['severity']}", f["message"]) for f in inline.json["qa"]] == refused_warnings
    save = {**fields, "csrf_token": csrf_token(body)}
    del save[f"s{seg['id']}-approve"]
    assert browser.post(f"{link}/segments/{seg['id']}", data=save).status_code == 302
    page = browser.get(link).get_data(as_text=True)
    assert refused_warnings == _qa_list(page, seg["id"])
    seg = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"][0]
    fields[f"s{seg['id']}-version"] = str(seg["version"])
    fields[f"s{seg['id']}-reason"] = "Quoted as written in the source"
    assert browser.post(f"{link}/segments/{seg['id']}", data=fields).status_code == 302
    history = browser.get(f"{link}/segments/{seg['id']}/history").get_data(as_text=True)
    assert "Quoted as written in the source" in history and "Approved despite" in history


def _qa_list(page: str, segment_id: int) -> list[str]:
    """The quality findings shown in one segment's block of the review page."""
    block = page.split(f'id="seg-{segment_id}"', 1)[1]
    found = re.search(r"<ul class=\"qa\" data-qa>(.*?)</ul>", block, re.S)
    assert found
    return re.findall(r"<li class=\"(qa-\w+)\">([^<]*)</li>", found.group(1))


def test_dates_and_the_japanese_style_reach_the_api(app, client):
    """A wrong date is reported once (by the dates check), in the caller's language; a sentence
    in the plain style among polite ones is flagged, and needs a reason to be approved."""
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    segments = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    by_key = {s["key"]: s for s in segments}
    prose = [s for s in segments if s["key"].startswith(("lede.", "body."))]
    assert "Jan. 15, 2026" in by_key["body.0.0"]["source"] and len(prose) >= 4

    def put(seg, text, **extra):
        url = f"/api/v1/translations/{tr_id}/segments/{seg['id']}"
        body = {"text": text, "version": seg["version"]} | extra
        return client.put(url, json=body, headers={**translator, "Accept-Language": "ja"})

    polite = "両氏は日米同盟の強さを高く評価しました。"
    for seg in prose[1:]:
        assert put(seg, polite).status_code == 200
    wrong = put(by_key["body.0.0"], "ヘグセス長官は2026年2月15日、防衛大臣を国防総省に迎えた。")
    assert wrong.status_code == 200
    found = {f["code"]: f["message"] for f in wrong.json["qa"]}
    assert "2026年1月15日" in found["dates"] and "numbers" not in found
    assert "「です・ます」調です" in found["ja_style"]
    plain = "ヘグセス長官は2026年1月15日、防衛大臣を国防総省に迎えた。"
    fixed = put({**by_key["body.0.0"], "version": wrong.json["version"]}, plain)
    assert [f["code"] for f in fixed.json["qa"]] == ["ja_style"]
    refused = put({**by_key["body.0.0"], "version": fixed.json["version"]}, plain, approve=True)
    assert refused.status_code == 422 and "「です・ます」調です" in refused.json["fields"]["reason"]

    page = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    codes = {s["key"]: {f["code"] for f in s["qa"]} for s in page}
    assert "ja_style" in codes["body.0.0"] and "dates" not in codes["body.0.0"]
    assert not any("ja_style" in codes[s["key"]] for s in prose[1:])
    # The translator's page works the style out once for all its segments, too.
    browser = app.test_client()
    login = browser.get("/login").get_data(as_text=True)
    browser.post(
        "/login",
        data={
            "email": "translator-ja@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(login),
        },
    )
    page_html = browser.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert page_html.count("the rest of the translation uses です/ます") == 1
