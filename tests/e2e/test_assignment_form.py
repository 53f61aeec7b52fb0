"""The liaison's assignment form in Chromium, on a phone and in Japanese: assign the Japanese
translation with a deadline typed in Tokyo time, without the page scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import bearer, make_user, summary_payload
from webapp.accounts import services as users
from webapp.extensions import db
from webapp.translation.models import Translation

pytestmark = pytest.mark.browser


def test_a_liaison_assigns_on_a_phone_in_japanese(app, live_server, new_page, tmp_path):
    email = make_user(app, "liaison", email="liaison@example.org")
    make_user(app, "translator", ["ja"], email="tokyo@example.org")
    with app.app_context():
        who = users.find_user(db.session, email)
        users.set_ui_locale(db.session, who, "ja")
        users.set_time_zone(db.session, who, "America/New_York")
        db.session.commit()
    created = (
        app.test_client()
        .post("/api/v1/summaries", json=summary_payload(), headers=bearer(app, email))
        .json
    )
    page = new_page(390, 844, locale="ja-JP", timezone_id="America/New_York")
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/summaries/{created['id']}")
    block = page.locator("#assign-ja")
    block.locator("summary", has_text="担当と期限を設定").click()
    expect(block.get_by_label("タイムゾーン")).to_have_value("America/New_York")  # their own
    block.get_by_label("担当者").select_option("tokyo@example.org")
    block.get_by_label("期限（日付）").fill("2030-01-16")
    block.get_by_label("期限（時刻）").fill("08:30")
    block.get_by_label("タイムゾーン").select_option("Asia/Tokyo")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    block.screenshot(path=str(tmp_path / "assignment-form-390-ja.png"))
    block.get_by_role("button", name="保存").click()
    expect(page.locator(".flash").first).to_contain_text("担当と期限を保存しました")
    expect(page.locator("#assign-ja [data-assignee]")).to_have_text("tokyo@example.org")
    expect(page.locator("#assign-ja [data-needed-by]")).to_contain_text("EST")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "assignment-390-ja.png"), full_page=True)
    with app.app_context():
        tr = db.session.get(Translation, created["translations"]["ja"]["id"])
        assert tr is not None and tr.needed_by is not None
        assert tr.needed_by.isoformat() == "2030-01-15T23:30:00+00:00"
