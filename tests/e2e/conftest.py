"""Browser fixtures: a live server on the test database, and Debian's Chromium via Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts (own cookies and storage) at a given width."""
    contexts = []

    def make(
        width: int = 1200, height: int = 900, locale: str = "en-US", timezone_id: str | None = None
    ):
        context = browser.new_context(
            locale=locale, viewport={"width": width, "height": height}, timezone_id=timezone_id
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
