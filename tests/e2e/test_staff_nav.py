"""The staff navigation on a phone: an admin's twelve links stacked five rows high (issue 21,
item 11). The less used sections now fold into a menu there; on a wide screen all show inline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("ui", ["en-US", "ja-JP"])
def test_an_admins_nav_is_two_rows_on_a_phone_and_its_menu_opens(app, live_server, new_page, ui):
    email = make_user(app, "admin")
    page = new_page(width=390, height=844, locale=ui)
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/work")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 140  # the name, then two rows of links (not five)
    sign_out = page.locator(
        ".staff-nav button", has_text="Sign out" if ui == "en-US" else "ログアウト"
    )
    expect(sign_out).to_be_hidden()
    page.locator(".nav-more > summary").click()
    expect(sign_out).to_be_visible()
    expect(page.locator(".nav-more a[href='/manage/webhooks/']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".nav-more a[href='/glossary/']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/glossary/")


def test_on_a_wide_screen_every_section_shows_without_a_menu(app, live_server, new_page):
    email = make_user(app, "admin")
    page = new_page(width=1280)
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/work")
    expect(page.locator(".nav-more > summary")).to_be_hidden()
    for href in ("/glossary/", "/manage/webhooks/", "/admin/jobs/", "/account"):
        expect(page.locator(f".staff-nav a[href='{href}']")).to_be_visible()
    expect(page.locator(".staff-nav button", has_text="Sign out")).to_be_visible()
