"""Browser: an administrator working in Japanese on a phone (390 px) adds a webhook, reads its
secret and sends a test ping; nothing on the pages is wider than the screen."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.conftest import sign_in
from tests.factories import make_user
from webapp.accounts import services as users
from webapp.extensions import db
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    width, screen = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    return width <= screen


def test_an_admin_adds_a_webhook_on_a_phone_in_japanese(app, live_server, new_page):
    email = make_user(app, "admin", email="tokyo-admin@example.org")
    with app.app_context():
        users.find_user(db.session, email).ui_locale = "ja"
        db.session.commit()
    page = new_page(390, 844, locale="ja-JP")
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/webhooks/")
    assert page.locator("h1").inner_text() == "Webhook" and fits(page)

    page.fill("#url", "ftp://chat.example.org/hook")
    page.check("input[value='summary.published']")
    page.click("form.stacked button[type=submit]")
    assert "http:// または https://" in page.locator("#url-error-1").inner_text()

    # A long address on this machine where nothing listens: the test reaches no network.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    long_url = f"http://127.0.0.1:{port}/hooks/" + "kakehashi-desk-" * 8
    page.fill("#url", long_url)
    page.check("input[value='summary.published']")
    page.check("input[value='question.asked']")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#webhook-secret").inner_text().startswith("whsec_")
    assert fits(page)

    page.click("text=テスト ping を送信")
    page.wait_for_load_state()
    run_worker(app, burst=True)  # no receiver: the first attempt fails and waits for its retry
    page.reload()
    assert page.locator("table.cards tbody tr").count() == 1
    assert "ping" in page.locator("table.cards").inner_text()
    assert fits(page)
