"""Every change to a segment is kept, can be read back and restored (append-only)."""

from __future__ import annotations

import pytest

from tests.factories import REASON, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def drafted(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    return liaison, translator, created, tr_id


def _segments(client, headers, tr_id):
    return client.get(f"/api/v1/translations/{tr_id}", headers=headers).json["segments"]


def _put(client, headers, tr_id, seg, text, approve=False):
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
        json={"text": text, "approve": approve, "reason": REASON, "version": seg["version"]},
        headers=headers,
    )
    assert resp.status_code == 200, resp.json
    return resp.json


def test_history_lists_machine_save_and_approve_newest_first(client, drafted):
    _liaison, translator, _created, tr_id = drafted
    seg = _segments(client, translator, tr_id)[0]
    seg = _put(client, translator, tr_id, seg, "一つ目の訳")
    _put(client, translator, tr_id, seg, "二つ目の訳", approve=True)
    url = f"/api/v1/translations/{tr_id}/segments/{seg['id']}/history"
    changes = client.get(url, headers=translator).json["changes"]
    assert [c["kind"] for c in changes] == ["approve", "save", "machine", "source_changed"]
    assert changes[0]["text"] == "二つ目の訳" and changes[0]["actor"] == "translator-ja@example.org"
    assert changes[2]["origin"] == "mt" and changes[2]["engine"] == "argos"
    assert changes[2]["model_version"] and changes[0]["source"] == seg["source"]


def test_restore_puts_an_earlier_text_back_as_a_new_change(client, drafted):
    _liaison, translator, _created, tr_id = drafted
    seg = _segments(client, translator, tr_id)[0]
    machine_text = seg["text"]
    seg = _put(client, translator, tr_id, seg, "人の訳", approve=True)
    url = f"/api/v1/translations/{tr_id}/segments/{seg['id']}"
    machine = next(
        c
        for c in client.get(f"{url}/history", headers=translator).json["changes"]
        if c["kind"] == "machine"
    )
    stale = client.post(
        f"{url}/restore", json={"history_id": machine["id"], "version": 1}, headers=translator
    )
    assert stale.status_code == 409 and stale.json["current"]["text"] == "人の訳"
    resp = client.post(
        f"{url}/restore",
        json={"history_id": machine["id"]},
        headers={**translator, "If-Match": str(seg["version"])},
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["text"] == machine_text and resp.json["status"] == "draft"
    assert resp.json["origin"] == "human"  # a person chose it
    kinds = [c["kind"] for c in client.get(f"{url}/history", headers=translator).json["changes"]]
    assert kinds[:2] == ["restore", "approve"] and len(kinds) == 4


def test_restore_refuses_another_segments_change_and_other_roles(app, client, drafted):
    liaison, translator, _created, tr_id = drafted
    first, second = _segments(client, translator, tr_id)[:2]
    other = client.get(
        f"/api/v1/translations/{tr_id}/segments/{second['id']}/history", headers=translator
    ).json["changes"][0]
    url = f"/api/v1/translations/{tr_id}/segments/{first['id']}/restore"
    body = {"history_id": other["id"], "version": first["version"]}
    assert client.post(url, json=body, headers=translator).status_code == 404
    assert client.post(url, json=body, headers=liaison).status_code == 403
    en_translator = staff_headers(app, "translator", ["en"])
    assert client.post(url, json=body, headers=en_translator).status_code == 403


def test_a_source_edit_keeps_the_previous_approval_in_history(client, drafted):
    liaison, translator, created, tr_id = drafted
    for seg in _segments(client, translator, tr_id):
        _put(client, translator, tr_id, seg, f"承認済み:{seg['key']}", approve=True)
    new_body = summary_payload()["body"].replace("praised", "warmly praised")
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"body": new_body},
        headers={**liaison, "If-Match": "1"},
    )
    assert resp.status_code == 200
    changed = next(s for s in _segments(client, translator, tr_id) if "warmly" in s["source"])
    changes = client.get(
        f"/api/v1/translations/{tr_id}/segments/{changed['id']}/history", headers=translator
    ).json["changes"]
    assert changes[0]["kind"] == "source_changed" and changes[0]["text"] is None
    assert changes[1]["kind"] == "approve" and "warmly" not in changes[1]["source"]
    assert changes[1]["text"] == f"承認済み:{changed['key']}"
