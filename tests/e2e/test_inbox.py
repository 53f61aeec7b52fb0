"""The inbox and the notification settings in Chromium, at a phone's width and a desk's, in both
languages: nothing wider than the screen. Screenshots land in tests/e2e/screenshots/ (ignored by
git) for a person to judge."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user, staff_headers, summary_payload
from webapp.accounts import services as users
from webapp.extensions import db
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_inbox_and_settings_fit_a_phone(app, live_server, new_page, locale):
    email = make_user(app, "translator", ["ja"], email="tokyo@example.org")
    with app.app_context():
        users.set_ui_locale(db.session, users.find_user(db.session, email), locale)
        db.session.commit()
    liaison = staff_headers(app, "liaison")
    client = app.test_client()
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = made["translations"]["ja"]["id"]
    resp = client.patch(
        f"/api/v1/translations/{tr_id}/assignment", json={"assignee": email}, headers=liaison
    )
    assert resp.status_code == 200, resp.json
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page = new_page(width=width, locale="ja-JP" if locale == "ja" else "en-US")
        sign_in(page, live_server, email)
        page.goto(f"{live_server}/manage/inbox")
        expect(page.locator(".staff-nav .count")).to_have_text("2")
        expect(page.locator("li.inbox-line.unread")).to_have_count(2)
        for name, path in (
            ("inbox", "/manage/inbox"),
            ("settings", "/manage/account/notifications"),
        ):
            page.goto(f"{live_server}{path}")
            wide, inner = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert wide <= inner, f"{name} at {width}px is {wide}px wide"
            page.screenshot(path=str(SHOTS / f"{name}-{locale}-{width}.png"), full_page=True)
        page.goto(f"{live_server}/manage/inbox")
        page.locator("li.inbox-line a").first.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/review/translations/{tr_id}")
