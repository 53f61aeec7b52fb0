"""A ministry can pull a published summary per language, and delete only what readers never saw."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_sessions_and_login import sign_in
from webapp.audit.models import AuditEvent
from webapp.extensions import db


def publish_en(client, liaison) -> dict:
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    assert resp.status_code == 200
    return created


@pytest.mark.backends("sqlite", "postgresql")
def test_a_withdrawn_page_is_410_leaves_lists_and_comes_back_when_republished(app, client):
    liaison = staff_headers(app, "liaison")
    created = publish_en(client, liaison)
    page = f"/en/summaries/{created['slug']}"
    assert client.get(page).status_code == 200
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/withdraw",
        json={"locales": ["en"], "reason": "Wrong date in the second paragraph."},
        headers=liaison,
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["withdrawn"][0]["locale"] == "en"
    assert resp.json["published_locales"] == []
    gone = client.get(page)
    assert gone.status_code == 410
    assert "withdrawn on" in gone.get_data(as_text=True)
    assert "Wrong date" not in gone.get_data(as_text=True)  # the reason is for the record
    # A reader's page (it was the staff layout): the site's sections, kept out of search engines.
    assert 'class="reader-nav"' in gone.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in gone.get_data(as_text=True)
    ja_gone = client.get(f"/ja/summaries/{created['slug']}")
    assert ja_gone.status_code == 404  # never published in Japanese: plain not found
    assert created["slug"] not in client.get("/en/").get_data(as_text=True)
    assert created["slug"] not in client.get("/en/feed.atom").get_data(as_text=True)
    assert created["slug"] not in client.get("/sitemap.xml").get_data(as_text=True)
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    assert client.get(page).status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "summary.withdraw"))
    assert event.detail == {"locales": ["en"], "reason": "Wrong date in the second paragraph."}


def test_withdrawing_needs_a_reason_a_published_locale_and_the_publish_role(app, client):
    liaison = staff_headers(app, "liaison")
    created = publish_en(client, liaison)
    url = f"/api/v1/summaries/{created['id']}/withdraw"
    no_reason = client.post(url, json={"locales": ["en"], "reason": ""}, headers=liaison)
    assert no_reason.status_code == 422 and "reason" in no_reason.json["fields"]
    unpublished = client.post(url, json={"locales": ["ja"], "reason": "x"}, headers=liaison)
    assert unpublished.status_code == 422 and "ja" in unpublished.json["fields"]["locales"]
    translator = staff_headers(app, "translator", ["ja"])
    assert (
        client.post(url, json={"locales": ["en"], "reason": "x"}, headers=translator).status_code
        == 403
    )
    assert client.get(f"/en/summaries/{created['slug']}").status_code == 200


def test_the_staff_page_withdraws_with_a_reason_and_shows_it(app, client):
    liaison = make_user(app, "liaison")
    from tests.factories import bearer

    created = publish_en(client, bearer(app, liaison))
    sign_in(client, liaison)
    page = client.get(f"/manage/summaries/{created['id']}").get_data(as_text=True)
    assert "Withdraw from readers" in page and "Delete this draft" not in page
    resp = client.post(
        f"/manage/summaries/{created['id']}/withdraw",
        data={
            "locale": "en",
            "reason": "Pulled at the ministry's request.",
            "csrf_token": csrf_token(page),
        },
    )
    assert resp.status_code == 302
    after = client.get(f"/manage/summaries/{created['id']}").get_data(as_text=True)
    assert "Withdrawn" in after and "Pulled at the ministry" in after
    empty = client.post(
        f"/manage/summaries/{created['id']}/withdraw",
        data={"locale": "en", "reason": "", "csrf_token": csrf_token(after)},
    )
    assert empty.status_code == 302  # back to the page with the error flashed
    assert "error" in client.get(empty.headers["Location"]).get_data(as_text=True)


@pytest.mark.backends("sqlite", "postgresql")
def test_only_a_never_published_draft_can_be_deleted(app, client):
    liaison = staff_headers(app, "liaison")
    draft = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    published = publish_en(client, liaison)
    refused = client.delete(f"/api/v1/summaries/{published['id']}", headers=liaison)
    assert refused.status_code == 409 and "Withdraw it instead" in refused.json["error"]
    assert client.delete(f"/api/v1/summaries/{draft['id']}", headers=liaison).status_code == 204
    assert client.get(f"/api/v1/summaries/{draft['id']}", headers=liaison).status_code == 404
    assert client.delete(f"/api/v1/summaries/{draft['id']}", headers=liaison).status_code == 404
    from webapp.jobs.worker import run_worker

    run_worker(app, burst=True)  # the deleted draft's queued translation job finds nothing
    assert client.get(f"/api/v1/summaries/{published['id']}", headers=liaison).status_code == 200


def test_the_staff_page_deletes_a_draft(app, client):
    from tests.factories import bearer

    liaison = make_user(app, "liaison")
    draft = client.post(
        "/api/v1/summaries", json=summary_payload(), headers=bearer(app, liaison)
    ).json
    sign_in(client, liaison)
    page = client.get(f"/manage/summaries/{draft['id']}").get_data(as_text=True)
    assert "Delete this draft" in page
    resp = client.post(
        f"/manage/summaries/{draft['id']}/delete", data={"csrf_token": csrf_token(page)}
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/manage/")
    assert client.get(f"/manage/summaries/{draft['id']}").status_code == 404


@pytest.mark.backends("sqlite", "postgresql")
def test_publishing_an_unchanged_version_again_keeps_the_snapshot_readers_have(app, client):
    """Found in the walk-through: a second click on Publish made a new snapshot, and readers
    read "Updated on …" although nothing had changed."""
    liaison = staff_headers(app, "liaison")
    created = client.post(
        "/api/v1/summaries", json=summary_payload(title="Said once"), headers=liaison
    ).json
    url = f"/api/v1/summaries/{created['id']}/publish"
    first = client.post(url, json={"locales": ["en"]}, headers=liaison)
    assert first.status_code == 200 and first.json["published"][0]["changed"] is True
    page = app.test_client().get(f"/en/summaries/{created['slug']}").get_data(as_text=True)
    again = client.post(url, json={"locales": ["en"]}, headers=liaison)
    assert again.status_code == 200 and again.json["published"][0]["changed"] is False
    assert app.test_client().get(f"/en/summaries/{created['slug']}").get_data(as_text=True) == page
    with app.app_context():
        from sqlalchemy import func

        from webapp.publishing.models import Publication

        assert db.session.scalar(select(func.count()).select_from(Publication)) == 1
        publishes = select(func.count()).where(AuditEvent.action == "summary.publish")
        assert db.session.scalar(publishes) == 1
    # a real change still makes a new snapshot
    current = client.get(f"/api/v1/summaries/{created['id']}", headers=liaison).json
    client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"title": "Said twice"},
        headers={**liaison, "If-Match": str(current["version"])},
    )
    changed = client.post(url, json={"locales": ["en"]}, headers=liaison)
    assert changed.json["published"][0]["changed"] is True


def test_with_two_languages_published_the_withdraw_form_chooses_none_beforehand(app, client):
    """Found in the walk-through: the language list started on the source language, so a
    hurried liaison withdrawing the translation would have withdrawn the original."""
    from tests.factories import bearer
    from tests.functional.test_reader_queries import Desk as BothLanguages

    created = BothLanguages(app).publish_both()
    liaison = make_user(app, "liaison", email="careful@example.org")
    assert bearer(app, liaison)
    sign_in(client, liaison)
    page = client.get(f"/manage/summaries/{created['id']}").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="locale"[^>]*>(.*?)</select>', page, re.S)
    assert select and re.match(r'\s*<option value="">Choose a language</option>', select[1])
    assert "selected" not in select[1]  # the blank shows first: nothing chosen beforehand
    resp = client.post(
        f"/manage/summaries/{created['id']}/withdraw",
        data={"locale": "", "reason": "Wrong date.", "csrf_token": csrf_token(page)},
    )
    shown = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Choose the language to withdraw." in shown
    assert "badge-withdrawn" not in shown
    done = client.post(
        f"/manage/summaries/{created['id']}/withdraw",
        data={"locale": "ja", "reason": "Wrong date.", "csrf_token": csrf_token(shown)},
    )
    assert done.status_code == 302
    assert app.test_client().get(f"/ja/summaries/{created['slug']}").status_code == 410
    assert app.test_client().get(f"/en/summaries/{created['slug']}").status_code == 200


def test_each_published_language_row_offers_its_own_withdrawal(app, client):
    """The withdraw form sat folded at the bottom of the page: each published language's row
    now links to it, opened, with that language chosen and the reason box focused."""
    from tests.functional.test_reader_queries import Desk as BothLanguages

    created = BothLanguages(app).publish_both()
    sign_in(client, make_user(app, "liaison", email="rows@example.org"))
    page = client.get(f"/manage/summaries/{created['id']}").get_data(as_text=True)
    links = re.findall(r'<a class="withdraw-link" href="([^"]+)">([^<]+)</a>', page)
    assert [text for _href, text in links] == ["Withdraw English…", "Withdraw Japanese…"]
    assert '<details class="danger-zone" id="withdraw">' in page  # folded until asked
    opened = client.get(links[1][0].replace("&amp;", "&")).get_data(as_text=True)
    assert '<details class="danger-zone" id="withdraw" open>' in opened
    select = re.search(r'<select[^>]*name="locale"[^>]*>(.*?)</select>', opened, re.S)
    assert select and re.search(r'<option selected value="ja">', select[1])
    assert re.search(r'<textarea[^>]*autofocus[^>]*name="reason"', opened)
    ignored = client.get(f"/manage/summaries/{created['id']}?withdraw=fr").get_data(as_text=True)
    assert '<details class="danger-zone" id="withdraw">' in ignored
