"""Questions on a segment and on a summary: asked beside the sentence, answered by the other desk,
resolved, shown on the review and summary pages, and weighed when the translation is approved."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import REASON, bearer, make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.audit.models import AuditEvent
from webapp.core.events import subscriber, unsubscribe
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.questions.events import QuestionAnswered, QuestionAsked, QuestionResolved

pytestmark = pytest.mark.backends("sqlite", "postgresql")

LIAISON = "liaison@example.org"
TRANSLATOR = "translator@example.org"
QUESTION = "Is 'Secretary of War' the official title now?"


@pytest.fixture
def desk(app, client):
    """A summary with its ja machine draft; a liaison and a ja translator, by token and browser."""
    liaison = bearer(app, make_user(app, "liaison", email=LIAISON))
    translator = bearer(app, make_user(app, "translator", ["ja"], email=TRANSLATOR))
    summary = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = summary["translations"]["ja"]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    return {
        "liaison": liaison,
        "translator": translator,
        "summary": summary,
        "tr_id": tr_id,
        "segments": tr["segments"],
    }


def _section(html: str, segment_id: int) -> str:
    """The questions block beside one segment of the review page."""
    match = re.search(
        rf'<section class="segment-questions[^"]*" id="questions-{segment_id}".*?</section>',
        html,
        re.S,
    )
    assert match, f"no questions block beside segment {segment_id}"
    return match.group(0)


def _browser(app, email: str):
    browser = app.test_client()
    login(browser, email)
    return browser


def test_asked_beside_the_segment_answered_by_the_liaison_and_resolved(app, desk):
    first = desk["segments"][0]["id"]
    translator = _browser(app, TRANSLATOR)
    review = f"/review/translations/{desk['tr_id']}"
    page = translator.get(review).get_data(as_text=True)
    assert "Ask a question about this segment" in _section(page, first)
    resp = translator.post(
        f"/questions/summaries/{desk['summary']['id']}",
        data={
            "csrf_token": csrf_token(page),
            "body": QUESTION,
            "mention": LIAISON,
            "segment_id": str(first),
            "back": "review",
        },
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"{review}#questions-{first}")
    page = translator.get(review).get_data(as_text=True)
    beside = _section(page, first)
    assert "Is &#39;Secretary of War&#39; the official title now?" in beside
    assert "Open question" in beside and LIAISON in beside
    assert "Approve although 1 question is open" in page

    # The liaison cannot open the review page, but sees the question on the summary page.
    liaison = _browser(app, LIAISON)
    summary_page = liaison.get(f"/manage/summaries/{desk['summary']['id']}").get_data(as_text=True)
    listed = re.search(r'<section class="summary-questions".*?</section>', summary_page, re.S)
    assert listed and "Secretary of War" in listed.group(0)
    assert "Title" in listed.group(0) and "Japanese" in listed.group(0)  # the segment, linked
    thread = re.search(r'href="(/questions/\d+)"', listed.group(0)).group(1)
    thread_page = liaison.get(thread).get_data(as_text=True)
    assert desk["segments"][0]["source"] in thread_page  # the sentence asked about
    question_id = int(thread.rsplit("/", 1)[1])
    resp = liaison.post(
        f"/questions/{question_id}/answers",
        data={
            "csrf_token": csrf_token(thread_page),
            "body": "Yes, since September.",
            "back": "summary",
        },
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#questions")

    page = translator.get(review).get_data(as_text=True)
    assert "Yes, since September." in _section(page, first)
    resp = translator.post(
        f"/questions/{question_id}/resolve",
        data={"csrf_token": csrf_token(page), "back": "review"},
    )
    assert resp.status_code == 302
    page = translator.get(review).get_data(as_text=True)
    assert "Resolved by translator@example.org" in _section(page, first)
    assert "Approve although" not in page
    summary_page = liaison.get(f"/manage/summaries/{desk['summary']['id']}").get_data(as_text=True)
    assert "No open questions." in summary_page

    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "question")
        ).all()
    assert actions == ["question.ask", "question.answer", "question.resolve"]


def test_an_empty_question_is_shown_again_with_the_error_beside_the_field(app, desk):
    translator = _browser(app, TRANSLATOR)
    page = translator.get(f"/review/translations/{desk['tr_id']}").get_data(as_text=True)
    resp = translator.post(
        f"/questions/summaries/{desk['summary']['id']}",
        data={"csrf_token": csrf_token(page), "body": "  ", "mention": "nobody@example.org"},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="body-error"' in html and "This field is required." in html


def test_the_api_lists_asks_answers_and_resolves_and_announces_each(app, client, desk):
    heard = []

    def listen(_session, event):
        heard.append(type(event).__name__)

    for kind in (QuestionAsked, QuestionAnswered, QuestionResolved):
        subscriber(kind)(listen)
    try:
        base = f"/api/v1/summaries/{desk['summary']['id']}/questions"
        second = desk["segments"][1]
        asked = client.post(
            base,
            json={"body": QUESTION, "segment_id": second["id"], "mentions": [LIAISON]},
            headers=desk["translator"],
        )
        assert asked.status_code == 201, asked.json
        q = asked.json
        assert (q["state"], q["locale"], q["segment_id"], q["segment_key"]) == (
            "open", "ja", second["id"], second["key"]
        )  # fmt: skip
        assert q["author"] == TRANSLATOR and q["mentions"] == [LIAISON]
        on_summary = client.post(base, json={"body": "Which date?"}, headers=desk["liaison"])
        assert on_summary.status_code == 201 and on_summary.json["segment_id"] is None

        answered = client.post(
            f"/api/v1/questions/{q['id']}/answers", json={"body": "Yes."}, headers=desk["liaison"]
        )
        assert answered.status_code == 201
        assert [a["author"] for a in answered.json["answers"]] == [LIAISON]
        resolved = client.post(f"/api/v1/questions/{q['id']}/resolve", headers=desk["liaison"])
        assert resolved.status_code == 200 and resolved.json["resolved_by"] == LIAISON

        listed = client.get(base, headers=desk["translator"]).json["questions"]
        assert [x["id"] for x in listed] == [on_summary.json["id"], q["id"]]  # open first
        opened = client.get(f"{base}?state=open", headers=desk["translator"]).json["questions"]
        assert [x["id"] for x in opened] == [on_summary.json["id"]]

        again = client.post(f"/api/v1/questions/{q['id']}/resolve", headers=desk["liaison"])
        assert again.status_code == 409
        late = client.post(
            f"/api/v1/questions/{q['id']}/answers", json={"body": "More."}, headers=desk["liaison"]
        )
        assert late.status_code == 409
    finally:
        for kind in (QuestionAsked, QuestionAnswered, QuestionResolved):
            unsubscribe(kind, listen)
    assert heard == ["QuestionAsked", "QuestionAsked", "QuestionAnswered", "QuestionResolved"]


def test_the_api_refuses_what_it_cannot_place_or_name(app, client, desk):
    base = f"/api/v1/summaries/{desk['summary']['id']}/questions"
    other = client.post(
        "/api/v1/summaries", json=summary_payload(title="Another meeting"), headers=desk["liaison"]
    ).json
    run_worker(app, burst=True)
    foreign = client.get(
        f"/api/v1/translations/{other['translations']['ja']['id']}", headers=desk["translator"]
    ).json["segments"][0]["id"]
    cases = [
        ({"body": ""}, "body"),
        ({"body": "Why?", "segment_id": foreign}, "segment_id"),
        ({"body": "Why?", "mentions": ["stranger@example.org"]}, "mentions"),
        ({"body": "Why?", "segment_id": "1"}, "segment_id"),
    ]
    for payload, field in cases:
        resp = client.post(base, json=payload, headers=desk["translator"])
        assert resp.status_code == 422, (payload, resp.json)
        assert field in resp.json["fields"], resp.json
    assert (
        client.post("/api/v1/questions/999999/resolve", headers=desk["liaison"]).status_code == 404
    )


def test_approving_over_an_open_question_needs_saying_so(app, client, desk):
    tr_id, translator = desk["tr_id"], desk["translator"]
    for seg in desk["segments"]:
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"訳{seg['id']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
        assert resp.status_code == 200, resp.json
    asked = client.post(
        f"/api/v1/summaries/{desk['summary']['id']}/questions",
        json={"body": QUESTION, "segment_id": desk["segments"][0]["id"]},
        headers=translator,
    )
    assert asked.status_code == 201

    refused = client.post(f"/api/v1/translations/{tr_id}/approve", headers=translator)
    assert refused.status_code == 409
    assert "1 question on this translation is still open" in refused.json["error"]
    assert refused.json["missing"] == [f"Title: {QUESTION}"]

    # The page: refused with the list, then approved with the confirmation box ticked.
    browser = _browser(app, TRANSLATOR)
    page = browser.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert "Approve although 1 question is open" in page
    browser.post(f"/review/translations/{tr_id}/approve", data={"csrf_token": csrf_token(page)})
    page = browser.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert "still open: Title: Is &#39;Secretary of War&#39;" in page
    assert (
        client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["status"] != "approved"
    )
    browser.post(
        f"/review/translations/{tr_id}/approve",
        data={"csrf_token": csrf_token(page), "open_questions_confirmed": "y"},
    )
    assert (
        client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["status"] == "approved"
    )
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "translation.approve")
        )
    assert detail == {"open_questions": [asked.json["id"]]}


def test_the_api_approves_over_open_questions_when_confirmed(app, client, desk):
    tr_id, translator = desk["tr_id"], desk["translator"]
    for seg in desk["segments"]:
        client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"訳{seg['id']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
    client.post(
        f"/api/v1/summaries/{desk['summary']['id']}/questions",
        json={"body": QUESTION, "segment_id": desk["segments"][-1]["id"]},
        headers=desk["liaison"],
    )
    resp = client.post(
        f"/api/v1/translations/{tr_id}/approve?open_questions=confirmed", headers=translator
    )
    assert resp.status_code == 200 and resp.json["status"] == "approved"


def test_a_question_follows_its_sentence_through_a_source_edit(app, client, desk):
    body_seg = next(s for s in desk["segments"] if s["key"].startswith("body.0."))
    asked = client.post(
        f"/api/v1/summaries/{desk['summary']['id']}/questions",
        json={"body": QUESTION, "segment_id": body_seg["id"]},
        headers=desk["translator"],
    ).json
    body = "A new opening sentence. " + summary_payload()["body"]
    resp = client.patch(
        f"/api/v1/summaries/{desk['summary']['id']}",
        json={"body": body},
        headers={**desk["liaison"], "If-Match": "1"},
    )
    assert resp.status_code == 200, resp.json
    listed = client.get(
        f"/api/v1/summaries/{desk['summary']['id']}/questions", headers=desk["liaison"]
    ).json["questions"]
    assert [(q["id"], q["segment_id"]) for q in listed] == [(asked["id"], body_seg["id"])]
    assert listed[0]["segment_key"] != body_seg["key"]  # the sentence moved; the question too


def test_signed_out_people_and_narrow_tokens_are_kept_out(app, client, desk):
    base = f"/api/v1/summaries/{desk['summary']['id']}/questions"
    assert client.get(base).status_code == 401
    assert client.post(base, json={"body": QUESTION}).status_code == 401
    asked = client.post(base, json={"body": QUESTION}, headers=desk["liaison"]).json
    for path in (f"/questions/{asked['id']}",):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    token = csrf_token(client.get("/login").get_data(as_text=True))
    resp = client.post(f"/questions/{asked['id']}/resolve", data={"csrf_token": token})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    reader_token = staff_headers(app, "liaison", email="reader-token@example.org")
    with app.app_context():
        from webapp.accounts import services as users

        read = users.issue_token(
            db.session, users.find_user(db.session, "reader-token@example.org"), scopes=["read"]
        )
        db.session.commit()
    read_only = {"Authorization": f"Bearer {read}"}
    assert client.get(base, headers=read_only).status_code == 200
    assert client.post(base, json={"body": QUESTION}, headers=read_only).status_code == 403
    assert client.post(base, json={"body": QUESTION}, headers=reader_token).status_code == 201
    listed = client.get(base, headers=desk["liaison"]).json["questions"]
    assert [q["state"] for q in listed] == ["open", "open"]  # the signed-out resolve did nothing
