"""Quality findings reach the API and the page, in the caller's language; errors block approval."""

from __future__ import annotations

import pytest

from tests.factories import staff_headers, summary_payload
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
        json={"text": "⟦0⟧は会談した.", "approve": True, "version": seg["version"]},
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
        json={"text": "両氏は会談した.", "approve": True, "version": draft.json["version"]},
        headers=translator,
    )
    assert warned.status_code == 200 and warned.json["status"] == "approved"  # warnings pass
