"""A person's walk in a real browser: Playwright drives Debian's Chromium against a live server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.browser


def sign_out(page) -> None:
    page.click("text=Sign out")


def test_liaison_translator_and_reader_in_the_browser(app, live_server, page, tmp_path):
    base = live_server
    make_user(app, "liaison")
    make_user(app, "translator", ["ja"])

    sign_in(page, base, "liaison-all@example.org")
    page.click("text=Write a summary")
    page.fill("#title", "Hegseth hosts Koizumi at the Pentagon")
    page.fill("#meeting_date", "2026-01-15")
    page.fill("#location", "The Pentagon")
    page.fill(
        "#body",
        "The ministers praised the alliance. They trained together.\n\n"
        "It was their second meeting.",
    )
    page.fill("#participants-0-name", "Pete Hegseth")
    page.fill("#participants-0-role", "Secretary of War")
    page.select_option("#participants-0-country", "US")
    page.click("#save")
    assert page.locator(".badge-queued").count() == 1
    sign_out(page)

    run_worker(app, burst=True)

    sign_in(page, base, "translator-ja@example.org")
    assert page.url.endswith("/review/")  # translators land on their queue
    page.click("table.grid a")
    segments = page.locator("form.segment")
    count = segments.count()
    assert count == 7  # title, place, 3 sentences, participant name and role
    for i in range(count):
        form = page.locator("form.segment").nth(i)
        form.locator("textarea").fill(f"訳文{i}")
        form.locator("button", has_text="Approve").click()
        expect(form).to_have_class(re.compile("segment-approved|has-error"))
        if "has-error" in form.get_attribute("class"):  # quality warnings: say why, then approve
            reason = form.locator("[data-reason] input")
            expect(reason).to_be_visible()
            reason.fill("Placeholder text for the test")
            form.locator("button", has_text="Approve").click()
        expect(form).to_have_class(re.compile("segment-approved"))
    assert page.locator("form.segment-approved").count() == count
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    page.reload()  # approvals were saved in place; the page from the server agrees
    assert page.locator("form.segment-approved").count() == count
    # nothing waits: the page offers the last step at the top as well as below the segments
    offered = page.locator("[data-all-approved] button", has_text="Approve the whole translation")
    expect(offered).to_be_visible()
    offered.click()
    assert page.locator(".flash", has_text="Translation approved").count() == 1
    sign_out(page)

    sign_in(page, base, "liaison-all@example.org")
    page.click("table.grid a")
    page.click("button:has-text('Publish English')")
    page.click("button:has-text('Publish Japanese')")
    assert page.locator("text=Published").count() >= 2
    sign_out(page)

    page.goto(f"{base}/ja/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.click(".summary-title a")
    assert page.locator("h1").inner_text() == "訳文0"
    assert "2026年1月15日" in page.locator(".meta").inner_text()
    page.click(".lang-switcher a[hreflang=en]")
    assert page.locator("h1").inner_text() == "Hegseth hosts Koizumi at the Pentagon"
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(tmp_path / "reader.png"), full_page=True)
