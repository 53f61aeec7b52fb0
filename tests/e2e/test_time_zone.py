"""A browser in Tokyo signs in for the first time: the account takes its zone, and times say JST."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user
from webapp.accounts import services as users
from webapp.extensions import db

pytestmark = pytest.mark.browser


def test_the_first_sign_in_stores_the_browsers_zone(app, live_server, new_page):
    email = make_user(app, "translator", ["ja"])
    page = new_page(timezone_id="Asia/Tokyo")
    sign_in(page, live_server, email)
    with app.app_context():
        assert users.find_user(db.session, email).time_zone == "Asia/Tokyo"
    page.goto(f"{live_server}/account")
    expect(page.locator("#time_zone")).to_have_value("Asia/Tokyo")
    # This session's sign-in time, in Tokyo and named.
    expect(page.locator('td[data-label="Signed in"]').first).to_have_text(re.compile(r" JST$"))

    # A later sign-in from a browser in Washington leaves the zone alone.
    elsewhere = new_page(timezone_id="America/New_York")
    sign_in(elsewhere, live_server, email)
    with app.app_context():
        assert users.find_user(db.session, email).time_zone == "Asia/Tokyo"
