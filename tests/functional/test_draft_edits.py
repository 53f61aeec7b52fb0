"""The engine's measure: how much translators change machine drafts, shown to administrators."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rapidfuzz.distance import Levenshtein
from sqlalchemy import select

from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.core.i18n import month_name
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.translation.models import DraftEdit

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def drafted(app, client):
    """A summary machine-translated into Japanese: (translation id, segments by key, headers)."""
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    segments = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    assert all(s["origin"] == "mt" for s in segments)
    return tr_id, {s["key"]: s for s in segments}, translator


def save(client, tr_id, segment, headers, text, approve=True):
    body = {"text": text, "approve": approve, "version": segment["version"]}
    if approve:  # the tiny model's gibberish may draw quality warnings: say why it is right
        body["reason"] = "Checked against the source."
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{segment['id']}", json=body, headers=headers
    )
    assert resp.status_code == 200, resp.json
    return resp.json


def rows(app) -> list[DraftEdit]:
    with app.app_context():
        return list(db.session.scalars(select(DraftEdit).order_by(DraftEdit.id)))


def engine_page(app, client) -> str:
    make_user(app, "admin", email="admin@example.org")
    login(client, "admin@example.org")
    resp = client.get("/admin/engine/")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_a_draft_approved_unchanged_counts_as_unchanged(app, client, drafted):
    tr_id, segments, translator = drafted
    draft = segments["body.0.1"]
    save(client, tr_id, draft, translator, draft["text"])

    [row] = rows(app)
    assert (row.distance, row.normalized, row.unchanged) == (0, 0.0, True)
    assert (row.translation_id, row.segment_id) == (tr_id, draft["id"])
    assert (row.source_locale, row.target_locale, row.engine) == ("en", "ja", "argos")
    assert row.model_version and (row.year, row.month) == (
        row.approved_at.year,
        row.approved_at.month,
    )

    page = engine_page(app, client)
    assert row.model_version in page and month_name(row.year, row.month) in page
    assert 'data-label="Approved unchanged">100%' in page
    assert 'data-label="Average edit">0.0%<' in page


def test_an_edited_draft_records_its_distance_and_the_latest_approval_counts(app, client, drafted):
    tr_id, segments, translator = drafted
    draft = segments["location"]
    edited = draft["text"][:-3] + "国防総省"
    approved = save(client, tr_id, draft, translator, edited)

    [row] = rows(app)
    assert row.distance == Levenshtein.distance(draft["text"], edited) > 0
    assert row.normalized == pytest.approx(row.distance / max(len(draft["text"]), len(edited)))
    assert not row.unchanged

    draft_only = save(client, tr_id, approved, translator, "国防総省", approve=False)
    assert [r.distance for r in rows(app)] == [row.distance]  # a draft save measures nothing
    save(client, tr_id, draft_only, translator, "国防総省")
    [again] = rows(app)  # re-approval replaces the row of that machine draft
    assert again.id == row.id
    assert again.distance == Levenshtein.distance(draft["text"], "国防総省")
    assert again.normalized == pytest.approx(again.distance / len(draft["text"]))

    page = engine_page(app, client)
    assert f'data-label="Average edit">{again.normalized:.1%}<' in page
    assert 'data-label="Approved unchanged">0%' in page


def test_a_segment_written_by_a_person_from_scratch_records_nothing(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    tr_id = created["translations"]["ja"]["id"]  # the worker never ran: no machine draft
    segment = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"][1]
    assert segment["origin"] is None
    written = save(client, tr_id, segment, translator, "国防総省", approve=False)
    save(client, tr_id, written, translator, "国防総省")
    run_worker(app, burst=True)  # the machine drafts the rest, never this one
    assert rows(app) == []
    assert "No machine draft has been approved yet." in engine_page(app, client)


def test_a_draft_replaced_by_a_source_change_is_not_measured(app, client, drafted):
    """After the liaison edits the source, the old machine draft is no longer where text began."""
    tr_id, segments, translator = drafted
    liaison = staff_headers(app, "liaison", email="second-liaison@example.org")
    summary = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["summary_id"]
    current = client.get(f"/api/v1/summaries/{summary}", headers=liaison).json
    changed = client.patch(
        f"/api/v1/summaries/{summary}",
        json={"title": "Hegseth welcomes Koizumi"},
        headers={**liaison, "If-Match": str(current["version"])},
    )
    assert changed.status_code == 200, changed.json
    title = next(
        s
        for s in client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
        if s["key"] == "title"
    )
    assert title["origin"] is None  # reset, waiting for a new machine draft
    save(client, tr_id, title, translator, "ヘグセス長官、小泉大臣を迎える")
    assert rows(app) == []


def test_figures_per_model_version_and_month(app, client):
    def edit(n, version, month, distance, length=10):
        return DraftEdit(
            draft_change_id=n,
            translation_id=1,
            segment_id=n,
            source_locale="en",
            target_locale="ja",
            engine="argos",
            model_version=version,
            distance=distance,
            normalized=distance / length,
            unchanged=distance == 0,
            approved_at=datetime(2026, month, 3, tzinfo=UTC),
            year=2026,
            month=month,
        )

    with app.app_context():
        db.session.add_all(
            [
                edit(1, "translate-en_ja 1.0", 10, 0),
                edit(2, "translate-en_ja 1.0", 10, 0),
                edit(3, "translate-en_ja 1.0", 10, 0),
                edit(4, "translate-en_ja 1.0", 10, 4),
                edit(5, "translate-en_ja 1.0", 9, 5),
                edit(6, "translate-en_ja 1.1", 11, 1),
            ]
        )
        db.session.commit()
        october, september, november = (month_name(2026, m) for m in (10, 9, 11))
    page = engine_page(app, client)
    # The newest model first; each model's months newest first.
    assert page.index("translate-en_ja 1.1") < page.index("translate-en_ja 1.0")
    assert page.index(november) < page.index(october) < page.index(september)
    old = page[page.index("translate-en_ja 1.0") :]
    october_row = old[old.index(october) : old.index(september)]
    assert ">4<" in october_row and "75%" in october_row and "10.0%" in october_row
    september_row = old[old.index(september) :]
    assert ">1<" in september_row and "0%" in september_row and "50.0%" in september_row


@pytest.mark.parametrize("role", ["liaison", "translator"])
def test_only_administrators_see_the_figures(app, client, role):
    make_user(app, role, ["ja"] if role == "translator" else None)
    login(client, f"{role}-{'ja' if role == 'translator' else 'all'}@example.org")
    assert client.get("/admin/engine/").status_code == 403
    assert "/admin/engine/" not in client.get("/glossary/").get_data(as_text=True)
    anonymous = app.test_client().get("/admin/engine/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_administrators_find_the_page_in_the_navigation(app, client):
    page = engine_page(app, client)
    assert 'href="/admin/engine/"' in page
