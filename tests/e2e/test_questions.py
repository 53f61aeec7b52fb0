"""A translator asks a question beside the first segment in Chromium, and sees it there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.browser


def test_a_question_asked_on_the_first_segment_shows_beside_it(app, live_server, page):
    make_user(app, "translator", ["ja"])
    liaison = staff_headers(app, "liaison")
    created = (
        app.test_client().post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    )
    run_worker(app, burst=True)
    sign_in(page, live_server, "translator-ja@example.org")
    page.goto(f"{live_server}/review/translations/{created['translations']['ja']['id']}")
    page.on("dialog", lambda dialog: dialog.accept())

    block = page.locator("section.segment-questions").first
    block.locator("summary", has_text="Ask a question about this segment").click()
    block.get_by_label("Question").fill("Is 'Secretary of War' the official title now?")
    block.get_by_role("button", name="Ask").click()
    page.wait_for_load_state()

    block = page.locator("section.segment-questions").first
    question = block.locator("article.question")
    expect(question).to_have_count(1)
    expect(question.locator(".question-body")).to_have_text(
        "Is 'Secretary of War' the official title now?"
    )
    expect(question.locator(".badge")).to_have_text("Open question")
    # It sits right after the first segment's form, beside its sentence.
    first_segment = page.locator("form.segment").first.get_attribute("data-segment")
    assert block.get_attribute("id") == f"questions-{first_segment}"
    expect(page.locator("label.confirm-open-questions").first).to_contain_text(
        "Approve although 1 question is open"
    )
