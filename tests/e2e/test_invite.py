"""An admin invites a translator from the users page on a phone; the translator sets a password
through the one-time link and lands on the review queue (issue 21, item 11)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_an_admin_invites_a_translator_at_390_px_who_sets_a_password(app, live_server, new_page):
    admin = make_user(app, "admin")
    page = new_page(width=390, height=844)
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}/admin/users/")
    page.fill("#email", "haruka@example.org")
    page.check("input[name=roles][value=translator]")
    page.check("input[name=locales][value=ja]")
    page.select_option("#ui_locale", "ja")
    page.click("form[action='/admin/users/'] button[type=submit]")
    page.wait_for_load_state()
    issued = page.locator(".invite-issued")
    expect(issued).to_contain_text("haruka@example.org is invited")
    expect(page.locator("button[data-copy=invite-url]")).to_be_visible()
    link = page.locator("#invite-url").input_value()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    field = page.locator("#invite-url").bounding_box()
    assert field["x"] >= 0 and field["x"] + field["width"] <= 390

    invitee = new_page(width=390, height=844, locale="ja-JP")
    invitee.goto(live_server + urlsplit(link).path)
    expect(invitee.locator("h1")).to_have_text("初回パスワード設定")
    invitee.fill("#new_password", "short")
    invitee.fill("#confirm", "short")
    invitee.click("form button[type=submit]")
    expect(invitee.locator("#new_password-error-1")).to_be_visible()
    invitee.fill("#new_password", "lantern orchard velvet ninety")
    invitee.fill("#confirm", "lantern orchard velvet ninety")
    invitee.click("form button[type=submit]")
    invitee.wait_for_load_state()
    assert urlsplit(invitee.url).path == "/review/"
    assert invitee.evaluate("document.documentElement.scrollWidth") <= 390
    # The link worked once.
    again = invitee.goto(live_server + urlsplit(link).path)
    assert again is not None and again.status == 410
