"""Memory rules a ministry can trust: context matches may arrive approved, plain exact matches
arrive as drafts naming their origin; optionally, no one approves their own text."""

from __future__ import annotations

import pytest

from tests.factories import EN_BODY, REASON, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def _approve_all(client, translator, tr_id):
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    for seg in tr["segments"]:
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"訳:{seg['source']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
        assert resp.status_code == 200, resp.json


def _segments(client, headers, created):
    tr_id = created["translations"]["ja"]["id"]
    segs = client.get(f"/api/v1/translations/{tr_id}", headers=headers).json["segments"]
    return {s["source"]: s for s in segs}


def _setup(make_app, rule="context", **config):
    app = make_app(MEMORY_AUTO_APPROVE=rule, **config)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    _approve_all(client, translator, first["translations"]["ja"]["id"])
    return app, client, liaison, translator


def test_context_matches_arrive_approved_and_plain_matches_as_drafts(make_app):
    app, client, liaison, translator = _setup(make_app)
    # The same paragraphs in another order: each sentence matches, but only some keep neighbours.
    first_para, second_para = EN_BODY.split("\n\n")
    body = f"{second_para}\n\n{first_para}"
    again = client.post(
        "/api/v1/summaries", json=summary_payload(body=body, title="Other"), headers=liaison
    ).json
    segs = _segments(client, translator, again)
    moved = segs["Hegseth said the two countries will keep strengthening it in every way possible."]
    assert moved["origin"] == "tm" and moved["status"] == "draft"  # new neighbours: confirm it
    assert moved["text"].startswith("訳:")
    role = segs["Secretary of War"]
    assert role["origin"] == "tm" and role["status"] == "approved"  # same neighbours


@pytest.mark.parametrize("rule,expected", [("exact", {"approved"}), ("never", {"draft"})])
def test_exact_rule_approves_every_match_and_never_rule_none(make_app, rule, expected):
    app, client, liaison, translator = _setup(make_app, rule)
    body = "\n\n".join(reversed(EN_BODY.split("\n\n")))  # some matches lose their context
    again = client.post(
        "/api/v1/summaries", json=summary_payload(title="Again", body=body), headers=liaison
    ).json
    segments = _segments(client, translator, again).values()
    assert {s["status"] for s in segments if s["origin"] == "tm"} == expected


def test_a_bad_rule_stops_the_app(make_app):
    with pytest.raises(RuntimeError, match="MEMORY_AUTO_APPROVE"):
        make_app(MEMORY_AUTO_APPROVE="sometimes")


def test_four_eyes_refuses_approving_ones_own_text(make_app):
    app = make_app(REQUIRE_SECOND_APPROVER=True)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    alice = staff_headers(app, "translator", ["ja"], email="alice@example.org")
    bob = staff_headers(app, "translator", ["ja"], email="bob@example.org")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    seg = client.get(f"/api/v1/translations/{tr_id}", headers=alice).json["segments"][0]
    url = f"/api/v1/translations/{tr_id}/segments/{seg['id']}"
    mine = client.put(
        url,
        json={"text": "アリスの訳", "approve": True, "reason": REASON, "version": seg["version"]},
        headers=alice,
    )
    assert mine.status_code == 409 and mine.json["missing"] == [seg["key"]]
    saved = client.put(url, json={"text": "アリスの訳", "version": seg["version"]}, headers=alice)
    assert saved.status_code == 200
    again = client.put(
        url,
        json={
            "text": "アリスの訳",
            "approve": True,
            "reason": REASON,
            "version": saved.json["version"],
        },
        headers=alice,
    )
    assert again.status_code == 409
    other = client.put(
        url,
        json={
            "text": "アリスの訳",
            "approve": True,
            "reason": REASON,
            "version": saved.json["version"],
        },
        headers=bob,
    )
    assert other.status_code == 200 and other.json["status"] == "approved"
    machine = client.get(f"/api/v1/translations/{tr_id}", headers=alice).json["segments"][1]
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{machine['id']}",
        json={
            "text": machine["text"],
            "approve": True,
            "reason": REASON,
            "version": machine["version"],
        },
        headers=alice,
    )
    assert resp.status_code == 200  # a machine draft confirmed unchanged is not one's own text
