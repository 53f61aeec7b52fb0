"""Typed text is never lost when the session ends (issue 21, item 2): in Chromium, a person types
into a staff form, the session ends without activity, they press the form's button, the sign-in
page says they were signed out and that the text is kept, and signing in saves it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.factories import PASSWORD, bearer, make_user, summary_payload
from webapp.accounts.models import User, UserSession
from webapp.core.db import utcnow
from webapp.extensions import db

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    sign_in_here(page, email)


def sign_in_here(page, email: str) -> None:
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def go_idle(app, email: str) -> None:
    """The person's sessions were last seen longer ago than the idle timeout."""
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == email))
        long_ago = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
        db.session.execute(
            update(UserSession).where(UserSession.user_id == user_id).values(last_seen_at=long_ago)
        )
        db.session.commit()


def expect_signed_out_page(page, app) -> None:
    assert "/login" in page.url
    minutes = app.config["SESSION_IDLE_MINUTES"]
    expect(page.locator(".flash-signed-out")).to_have_text(
        f"You were signed out after {minutes} minutes without activity; your text is kept; "
        "sign in to save it."
    )


def published_summary(app, email: str) -> dict:
    client = app.test_client()
    headers = bearer(app, email)
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=headers).json
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=headers
    )
    return created


def test_an_edited_summary_is_saved_after_signing_in_again(app, live_server, new_page):
    email = make_user(app, "liaison")
    headers = bearer(app, email)
    created = (
        app.test_client().post("/api/v1/summaries", json=summary_payload(), headers=headers).json
    )
    page = new_page()
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/summaries/{created['id']}/edit")
    page.fill("#lede", "Typed before lunch, saved after it.")
    page.fill("#title", "Hegseth and Koizumi meet again")
    go_idle(app, email)
    page.click("#save")

    expect_signed_out_page(page, app)
    sign_in_here(page, email)
    expect(page.locator(".flash").first).to_contain_text("Saved.")
    assert page.url.endswith(f"/manage/summaries/{created['id']}")
    summary = app.test_client().get(f"/api/v1/summaries/{created['id']}", headers=headers).json
    assert summary["title"] == "Hegseth and Koizumi meet again"
    assert summary["lede"] == "Typed before lunch, saved after it."
    assert summary["version"] == created["version"] + 1

    # Saved, the kept text is gone: the edit form opens on the saved text, with no note.
    page.goto(f"{live_server}/manage/summaries/{created['id']}/edit")
    expect(page.locator("#lede")).to_have_value("Typed before lunch, saved after it.")
    expect(page.locator("[data-keep-note]")).to_have_count(0)


def test_a_withdraw_reason_is_sent_after_signing_in_again(app, live_server, new_page):
    email = make_user(app, "liaison")
    created = published_summary(app, email)
    page = new_page(390, 844)
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/summaries/{created['id']}")
    page.click("text=Withdraw from readers")
    page.fill("#reason", "The date in the second paragraph was wrong.")
    go_idle(app, email)
    page.click("button.danger:has-text('Withdraw')")

    expect_signed_out_page(page, app)
    sign_in_here(page, email)
    expect(page.locator(".flash").first).to_contain_text("Withdrawn")
    expect(page.locator(".badge-withdrawn").first).to_be_visible()
    reader = app.test_client().get(f"/en/summaries/{created['slug']}")
    assert reader.status_code == 410


def test_a_glossary_entry_is_added_after_signing_in_again(app, live_server, new_page):
    email = make_user(app, "liaison")
    page = new_page()
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/glossary/")
    page.fill("#source", "Ministry of Defense")
    page.fill("#target", "防衛省")
    page.fill("#note", "Japan's ministry, not the U.S. department.")
    go_idle(app, email)
    page.click("button:has-text('Add')")

    expect_signed_out_page(page, app)
    sign_in_here(page, email)
    expect(page.locator("td", has_text="防衛省")).to_be_visible()
    terms = app.test_client().get("/api/v1/glossary", headers=bearer(app, email)).json
    entries = terms if isinstance(terms, list) else terms.get("items", terms.get("terms", []))
    assert any(t["target"] == "防衛省" and t["source"] == "Ministry of Defense" for t in entries)


def test_another_person_signing_in_in_the_same_browser_gets_nothing(app, live_server, new_page):
    first = make_user(app, "liaison", email="first@example.org")
    second = make_user(app, "liaison", email="second@example.org")
    page = new_page()
    sign_in(page, live_server, first)
    page.goto(f"{live_server}/glossary/")
    page.fill("#source", "Only the first person's text")
    page.fill("#target", "一人目の訳語")
    go_idle(app, first)
    page.click("button:has-text('Add')")

    expect_signed_out_page(page, app)
    sign_in_here(page, second)
    expect(page.locator("#source")).to_have_value("")
    expect(page.locator("td", has_text="一人目の訳語")).to_have_count(0)


def test_text_left_unsaved_comes_back_on_the_next_visit_and_can_be_discarded(
    app, live_server, new_page
):
    email = make_user(app, "liaison")
    page = new_page()
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/summaries/import")
    page.fill("#text", "A release pasted, then the tab was left.")
    page.goto(f"{live_server}/manage/")
    page.goto(f"{live_server}/manage/summaries/import")
    expect(page.locator("#text")).to_have_value("A release pasted, then the tab was left.")
    note = page.locator("[data-keep-note]")
    expect(note).to_contain_text("did not save")
    note.get_by_role("button", name="Discard it").click()
    expect(page.locator("#text")).to_have_value("")
    page.reload()
    expect(page.locator("#text")).to_have_value("")


def test_the_translators_inline_save_says_they_were_signed_out(app, live_server, new_page):
    """Item 8: the translator's page keeps its text already; the message now says why."""
    liaison = make_user(app, "liaison")
    translator = make_user(app, "translator", ["ja"])
    client = app.test_client()
    created = client.post(
        "/api/v1/summaries", json=summary_payload(), headers=bearer(app, liaison)
    ).json
    summary = client.get(f"/api/v1/summaries/{created['id']}", headers=bearer(app, liaison)).json
    tr_id = summary["translations"]["ja"]["id"]
    page = new_page()
    sign_in(page, live_server, translator)
    page.goto(f"{live_server}/review/translations/{tr_id}")
    form = page.locator("form.segment").first
    form.locator("textarea").fill("会談の訳文")
    go_idle(app, translator)
    form.get_by_role("button", name="Save draft").click()
    expect(form.locator("[data-message]")).to_contain_text("You were signed out after")
    page.reload()  # the sign-in page, then back to the kept text
    sign_in_here(page, translator)
    expect(page.locator("form.segment").first.locator("textarea")).to_have_value("会談の訳文")


def test_a_release_pasted_into_the_import_page_is_read_after_signing_in_again(
    app, live_server, new_page
):
    email = make_user(app, "liaison")
    page = new_page()
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/summaries/import")
    page.fill(
        "#text",
        "Hegseth Hosts Koizumi at the Pentagon\n\nJan. 15, 2026\n\n"
        "Secretary of War Pete Hegseth welcomed Japan's defense minister to the Pentagon today.",
    )
    go_idle(app, email)
    page.click("button:has-text('Read the release')")

    expect_signed_out_page(page, app)
    sign_in_here(page, email)
    expect(page.locator("#import-heading")).to_be_visible()
    expect(page.locator("#title")).to_have_value("Hegseth Hosts Koizumi at the Pentagon")


def test_a_resumed_save_never_overwrites_a_change_made_meanwhile(app, live_server, new_page):
    email = make_user(app, "liaison")
    headers = bearer(app, email)
    client = app.test_client()
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=headers).json
    page = new_page()
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/manage/summaries/{created['id']}/edit")
    page.fill("#lede", "Typed on the version opened before lunch.")
    go_idle(app, email)
    changed = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"lede": "A colleague's lede, saved meanwhile."},
        headers={**headers, "If-Match": str(created["version"])},
    )
    assert changed.status_code == 200
    page.click("#save")

    expect_signed_out_page(page, app)
    sign_in_here(page, email)
    expect(page.locator(".flash-error")).to_contain_text("Your text is still in the form below")
    expect(page.locator("#lede")).to_have_value("Typed on the version opened before lunch.")
    summary = client.get(f"/api/v1/summaries/{created['id']}", headers=headers).json
    assert summary["lede"] == "A colleague's lede, saved meanwhile."


def test_a_question_on_the_second_segment_is_asked_after_signing_in_again(
    app, live_server, new_page
):
    translator = make_user(app, "translator", ["ja"])
    liaison = bearer(app, make_user(app, "liaison"))
    created = (
        app.test_client().post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    )
    page = new_page()
    sign_in(page, live_server, translator)
    page.goto(f"{live_server}/review/translations/{created['translations']['ja']['id']}")
    page.on("dialog", lambda dialog: dialog.accept())
    block = page.locator("section.segment-questions").nth(1)
    block.locator("summary", has_text="Ask a question about this segment").click()
    block.get_by_label("Question").fill("Which minister is meant here?")
    go_idle(app, translator)
    block.get_by_role("button", name="Ask").click()

    expect_signed_out_page(page, app)
    sign_in_here(page, translator)
    question = page.locator("section.segment-questions").nth(1).locator("article.question")
    expect(question.locator(".question-body")).to_have_text("Which minister is meant here?")
    expect(
        page.locator("section.segment-questions").first.locator("article.question")
    ).to_have_count(0)
