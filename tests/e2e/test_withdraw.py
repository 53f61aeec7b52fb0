"""Withdrawing in Chromium: a liaison pulls the English page with a reason, readers are told, and
publishing again brings it back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import bearer, make_user, summary_payload

pytestmark = pytest.mark.browser


def test_a_liaison_withdraws_a_page_and_brings_it_back(app, live_server, new_page):
    email = make_user(app, "liaison")
    client = app.test_client()
    headers = bearer(app, email)
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=headers).json
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=headers
    )
    page = new_page(390, 844)
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/summaries/{created['id']}")
    page.click("text=Withdraw from readers")
    page.fill("#reason", "The date in the second paragraph was wrong.")
    page.click("button.danger:has-text('Withdraw')")
    expect(page.locator(".flash").first).to_contain_text("Withdrawn")
    expect(page.locator(".badge-withdrawn").first).to_be_visible()

    reader = new_page(1280, 900)
    response = reader.goto(f"{live_server}/en/summaries/{created['slug']}")
    assert response is not None and response.status == 410
    expect(reader.locator("h1")).to_have_text("Summary withdrawn")

    page.click("button:has-text('Publish English')")
    expect(page.locator(".flash").first).to_contain_text("Published")
    response = reader.goto(f"{live_server}/en/summaries/{created['slug']}")
    assert response is not None and response.status == 200
