"""The translator's workspace in Chromium: nothing typed is lost, errors sit beside their segment,
changed sentences come first with their diff, and the page fits a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import REASON, make_user, staff_headers, summary_payload
from tests.functional.test_fuzzy_memory import remember
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.browser


@pytest.fixture
def drafted(app):
    """An English summary with machine drafts in Japanese; returns (client, liaison, created)."""
    make_user(app, "translator", ["ja"])
    liaison = staff_headers(app, "liaison")
    client = app.test_client()
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    return client, liaison, created


def _open(page, base, created):
    sign_in(page, base, "translator-ja@example.org")
    page.goto(f"{base}/review/translations/{created['translations']['ja']['id']}")
    page.on("dialog", lambda dialog: dialog.accept())


def test_typed_text_survives_an_approval_and_a_reload(live_server, page, drafted):
    _client, _liaison, created = drafted
    _open(page, live_server, created)
    forms = page.locator("form.segment")
    for i in range(3):
        forms.nth(i).locator("textarea").fill(f"入力中の訳{i}")
    forms.nth(0).locator("button", has_text="Approve").click()
    expect(forms.nth(0)).to_have_class(re.compile("segment-approved"))
    expect(forms.nth(0).locator("[data-message]")).to_have_text("Approved.")
    assert forms.nth(1).locator("textarea").input_value() == "入力中の訳1"
    assert forms.nth(2).locator("textarea").input_value() == "入力中の訳2"
    page.reload()
    forms = page.locator("form.segment")
    assert forms.nth(0).locator("textarea").input_value() == "入力中の訳0"  # saved on the server
    assert forms.nth(1).locator("textarea").input_value() == "入力中の訳1"  # kept in the browser
    assert forms.nth(2).locator("textarea").input_value() == "入力中の訳2"
    expect(forms.nth(1)).to_have_class(re.compile("dirty"))


def test_an_error_shows_beside_its_segment(live_server, page, drafted):
    _client, _liaison, created = drafted
    _open(page, live_server, created)
    form = page.locator("form.segment").nth(3)
    form.locator("textarea").fill("   ")
    form.locator("button", has_text="Approve").click()
    expect(form.locator("[data-message] .error")).to_have_text("A translation cannot be empty.")
    expect(form).to_have_class(re.compile("has-error"))
    assert page.locator(".flash-error").count() == 0  # not at the top of the page


def test_after_a_source_edit_the_changed_sentence_comes_first_with_its_diff(
    app, live_server, page, drafted
):
    client, liaison, created = drafted
    translator = staff_headers(app, "translator", ["ja"], email="api-translator@example.org")
    tr_id = created["translations"]["ja"]["id"]
    for seg in client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]:
        client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"承認:{seg['key']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
    assert (
        client.post(f"/api/v1/translations/{tr_id}/approve", headers=translator).status_code == 200
    )
    body = summary_payload()["body"].replace("praised the", "warmly praised the")
    client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"body": body},
        headers={**liaison, "If-Match": "1"},
    )
    run_worker(app, burst=True)
    _open(page, live_server, created)
    first = page.locator("form.segment").first
    expect(first.locator(".source .diff ins")).to_have_text("warmly ")
    expect(first.locator(".previous-text")).to_have_text(re.compile("^承認:body"))
    first.locator("[data-use-previous]").click()
    assert first.locator("textarea").input_value().startswith("承認:body")
    folded = page.locator("details.folded")
    # Its own summary line (each segment inside also has one, to ask a question about it).
    expect(folded.locator("> summary")).to_contain_text("unchanged approved segments")
    assert not folded.locator("form.segment").first.is_visible()


def test_the_review_page_fits_a_phone(live_server, new_page, drafted):
    _client, _liaison, created = drafted
    page = new_page(width=360, height=800)
    _open(page, live_server, created)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    box = page.locator("form.segment button", has_text="Approve").first.bounding_box()
    assert box["height"] >= 44


def test_a_whole_translation_by_keyboard_without_a_page_load(live_server, page, drafted):
    """Ctrl+Enter approves and moves to the next unapproved segment; nothing reloads."""
    _client, _liaison, created = drafted
    _open(page, live_server, created)
    loads = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))
    forms = page.locator("form.segment")
    count = forms.count()
    forms.first.locator("textarea").focus()
    for i in range(count):
        page.keyboard.press("Control+Enter")
        expect(forms.nth(i)).to_have_class(re.compile("segment-approved|has-error"))
        if "has-error" in forms.nth(i).get_attribute("class"):
            # Warnings: the reason box opens with the focus in it; type and approve again.
            expect(forms.nth(i).locator("[data-reason] input")).to_be_focused()
            page.keyboard.type("Machine draft checked")
            page.keyboard.press("Control+Enter")
        expect(forms.nth(i)).to_have_class(re.compile("segment-approved"))
    assert page.locator("form.segment-approved").count() == count
    assert loads == []  # every approval happened in place
    expect(page.locator("[data-waiting]")).to_have_text("0 segments waiting")
    # the last step is offered at the top at once, not only below the last segment
    banner = page.locator("[data-all-approved]")
    expect(banner).to_be_visible()
    banner.locator("button").click()
    expect(page.locator(".flash").first).not_to_contain_text("Every segment is approved")
    expect(page.locator("[data-all-approved]")).to_be_hidden()


def test_a_refused_approval_shows_the_warnings_of_the_refused_text(live_server, page, drafted):
    """The reason asked for is about the text in the box: its warnings replace the draft's."""
    _client, _liaison, created = drafted
    _open(page, live_server, created)
    form = page.locator("form.segment").first
    # The tiny test model's gibberish differs between CPUs (CTranslate2's int8 kernels), so the
    # draft may have warnings of its own or none: the refused text's warning is what must show.
    form.locator("textarea").fill("両氏は会談した.")
    form.locator("button", has_text="Approve").click()
    expect(form).to_have_class(re.compile("has-error"))
    expect(form.locator("[data-reason] input")).to_be_focused()
    expect(form.locator("[data-qa] li.qa-warning")).to_contain_text(["Use 。 and 、"])
    warnings = form.locator("[data-qa] li.qa-warning").all_inner_texts()
    assert all(w in form.locator("[data-message]").inner_text() for w in warnings)


def test_memory_matches_not_looked_up_at_first_arrive_when_the_translator_reaches_them(
    app, live_server, page, drafted
):
    """With no lookups as the page opens, a segment's close matches are fetched when its box
    gets the focus, and their "Use this" puts the match in the box like any other."""
    _client, _liaison, created = drafted
    remember(
        app,
        "en",
        "ja",
        "Both leaders praised the U.S.-Japan alliance again.",
        "両首脳は再び日米同盟を称賛した。",
    )
    app.config["REVIEW_MATCHES_ON_LOAD"] = 0
    _open(page, live_server, created)
    expect(page.locator(".matches")).to_have_count(0)
    form = page.locator("form.segment", has_text="Both leaders praised the U.S.-Japan alliance.")
    expect(form.locator("[data-look-up-matches]")).to_be_visible()
    form.locator("textarea").focus()
    expect(form.locator(".matches .match-target")).to_have_text("両首脳は再び日米同盟を称賛した。")
    expect(form.locator("[data-look-up-matches]")).to_have_count(0)
    form.locator("button", has_text="Use this").click()
    assert form.locator("textarea").input_value() == "両首脳は再び日米同盟を称賛した。"
    expect(page.locator(".matches")).to_have_count(1)  # only the segment reached


def test_machine_drafts_appear_as_they_arrive_without_touching_typed_text(app, live_server, page):
    """Seen before: 60 s after the job finished the page still said "Waiting for machine
    translation" (issue 18, item 7). The page polls while it waits."""
    make_user(app, "translator", ["ja"])
    liaison = staff_headers(app, "liaison")
    created = (
        app.test_client().post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    )
    _open(page, live_server, created)
    waiting = page.locator("[data-machine-waiting]")
    expect(waiting).to_be_visible()
    forms = page.locator("form.segment")
    expect(forms.first.locator("textarea")).to_have_value("")
    forms.nth(1).locator("textarea").fill("人が入力中の訳")  # typed, not saved
    run_worker(app, burst=True)  # the worker drafts every segment meanwhile
    expect(forms.first.locator("textarea")).not_to_have_value("", timeout=15_000)
    expect(forms.first).to_have_class(re.compile("segment-draft"))
    expect(waiting).to_be_hidden(timeout=15_000)
    assert forms.nth(1).locator("textarea").input_value() == "人が入力中の訳"
    expect(forms.nth(1).locator("[data-message]")).to_contain_text("machine draft arrived")
