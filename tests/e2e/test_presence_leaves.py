"""Presence ends with the page (issue 21, item 8): a translator who goes elsewhere is no longer
shown as "also open" to the others, without waiting for the presence to expire."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.browser


def test_leaving_the_page_tells_the_others_at_once(app, live_server, new_page):
    liaison = staff_headers(app, "liaison")
    created = (
        app.test_client().post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    )
    run_worker(app, burst=True)
    url = f"{live_server}/review/translations/{created['translations']['ja']['id']}"
    alice_email = make_user(app, "translator", ["ja"], email="alice@example.org")
    bob_email = make_user(app, "translator", ["ja"], email="bob@example.org")
    alice, bob = new_page(), new_page()
    sign_in(alice, live_server, alice_email)
    sign_in(bob, live_server, bob_email)
    alice.goto(url)
    bob.goto(url)
    expect(bob.locator("[data-presence]")).to_contain_text("alice@example.org")
    alice.goto(f"{live_server}/manage/work")  # the page hides: its beacon says so
    shown = []
    for _ in range(5):  # the beacon is on its way while the next page loads
        bob.reload()
        shown = bob.locator("[data-presence]").inner_text()
        if "alice@example.org" not in shown:
            break
        bob.wait_for_timeout(500)
    assert "alice@example.org" not in shown
