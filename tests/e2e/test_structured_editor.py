"""The structured editor in Chromium: rows added and reordered in place, an error beside its row."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_participant_rows_are_added_reordered_and_a_row_error_shown(app, live_server, new_page):
    make_user(app, "liaison")
    page = new_page(390, 844)  # a phone
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))  # script errors only
    sign_in(page, live_server, "liaison-all@example.org")
    page.goto(f"{live_server}/manage/summaries/new")
    url = page.url
    page.fill("#title", "Talks in Tokyo")
    page.fill("#meeting_date", "2026-01-15")
    page.fill("#body", "They met.")
    page.fill("#participants-0-name", "Pete Hegseth")
    page.click("[data-rows=participants] [data-add]")
    expect(page.locator("#participants-1-name")).to_be_focused()
    assert page.url == url  # no round trip
    page.fill("#participants-1-role", "Minister of Defense")  # a name is missing
    page.select_option("#participants-1-country", "JP")
    page.locator("[data-rows=participants] [data-row]").nth(1).locator("[data-move=up]").click()
    expect(page.locator("#participants-0-role")).to_have_value("Minister of Defense")
    expect(page.locator("#participants-1-name")).to_have_value("Pete Hegseth")
    page.click("#save")
    row = page.locator("[data-rows=participants] [data-row]").nth(0)
    expect(row.locator(".error")).to_have_count(1)
    expect(row.locator("#participants-0-role")).to_have_value("Minister of Defense")
    page.fill("#participants-0-name", "Shinjirō Koizumi")
    page.click("#save")
    expect(page.locator("h1")).to_have_text("Talks in Tokyo")
    assert not script_errors, script_errors
