"""Back, then Save, in Chromium with its real history: the summary is not made twice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.e2e.conftest import sign_in
from tests.factories import make_user
from webapp.extensions import db
from webapp.summaries.models import Summary

pytestmark = pytest.mark.browser


def test_back_then_save_opens_the_summary_already_saved(app, live_server, new_page):
    make_user(app, "liaison")
    page = new_page(1280, 900)
    sign_in(page, live_server, "liaison-all@example.org")
    page.goto(f"{live_server}/manage/summaries/new")
    page.fill("#title", "Talks in Tokyo")
    page.fill("#meeting_date", "2026-01-15")
    page.fill("#body", "They met.")
    page.click("#save")
    expect(page.locator("h1")).to_have_text("Talks in Tokyo")
    saved_at = page.url
    page.go_back()
    # The form as it was sent: the browser restores what was typed (the page itself is fetched
    # again, as staff pages are never cached).
    expect(page.locator("#title")).to_have_value("Talks in Tokyo")
    expect(page.locator("#meeting_date")).to_have_value("2026-01-15")
    page.click("#save")
    expect(page.locator("h1")).to_have_text("Talks in Tokyo")
    expect(page.get_by_text("This summary was already saved; here it is.")).to_be_visible()
    assert page.url == saved_at
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Summary)) == 1
