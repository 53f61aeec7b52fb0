"""Who did what is recorded for every state change, and admins can browse it (never edit it)."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.factories import bearer, make_user, summary_payload
from tests.functional.test_sessions_and_login import sign_in
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.jobs.worker import run_worker


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_whole_workflow_leaves_an_entry_for_each_state_change(app, client):
    liaison_email = make_user(app, "liaison")
    liaison = bearer(app, liaison_email)
    translator = bearer(app, make_user(app, "translator", ["ja"]))
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    segment = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"][0]
    saved = client.put(
        f"/api/v1/translations/{tr_id}/segments/{segment['id']}",
        json={"text": "ヘグセス長官が小泉大臣を迎えた。", "version": segment["version"]},
        headers=translator,
    )
    assert saved.status_code == 200, saved.json
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    recorded = actions(app)
    for action in (
        "user.create",
        "token.issue",
        "summary.create",
        "segment.machine_draft",
        "segment.save",
        "summary.publish",
    ):
        assert action in recorded, (action, recorded)
    with app.app_context():
        save = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "segment.save"))
    assert save.detail["before"]["text"] != save.detail["after"]["text"]
    assert save.detail["after"]["text"] == "ヘグセス長官が小泉大臣を迎えた。"


def test_admins_browse_and_filter_the_log_and_others_cannot(app, client):
    admin = make_user(app, "admin")
    liaison = make_user(app, "liaison")
    sign_in(app.test_client(), liaison, "wrong password here")
    assert sign_in(client, liaison).status_code == 302
    assert client.get("/admin/audit/").status_code == 403
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    page = admin_client.get("/admin/audit/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "auth.login_failed" in html and "user.create" in html
    failed = admin_client.get("/admin/audit/?action=auth.login_failed").get_data(as_text=True)
    assert "auth.login_failed" in failed and "<code>user.create</code>" not in failed
    # A failed sign-in is nobody's yet: the page says so and where it came from.
    who = re.search(r'<td data-label="Who">([^<]*)</td>', failed)
    assert who and who.group(1) == "Someone not signed in, from 127.0.0.1", who
    mine = admin_client.get(f"/admin/audit/?actor={liaison}").get_data(as_text=True)
    assert "<code>auth.login</code>" in mine and "<code>user.create</code>" not in mine


def test_bad_filters_are_form_errors_not_500s(app, client):
    sign_in(client, make_user(app, "admin"))
    for query in (
        "action=no.such.action",
        "object_id=abc",
        "object_id=99999999999",
        "since=2026-13-45",
        "actor=nobody@example.org",
        "before=%00",
    ):
        resp = client.get(f"/admin/audit/?{query}")
        assert resp.status_code in (200, 422), query
        if query != "before=%00":
            assert resp.status_code == 422, query
            assert 'class="error"' in resp.get_data(as_text=True), query


def test_the_log_pages_backwards_without_gaps_or_repeats(app, client, monkeypatch):
    from webapp.audit import services as audit

    monkeypatch.setattr(audit, "PAGE_SIZE", 5)
    admin = make_user(app, "admin")
    sign_in(client, admin)
    for n in range(11):
        make_user(app, "liaison", email=f"person{n}@example.org")
    seen: list[str] = []
    url = "/admin/audit/?action=user.create"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r">user #(\d+)</td>", html)
        next_link = (
            html.split('rel="next"')[0].rsplit('href="', 1)[-1].split('"')[0]
            if 'rel="next"' in html
            else None
        )
        url = next_link.replace("&amp;", "&") if next_link else None
    assert len(seen) == len(set(seen)) == 12
