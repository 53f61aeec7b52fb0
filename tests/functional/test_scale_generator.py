"""The scale benchmark's generator writes the rows the app's own path writes, nothing else.

A summary of the generator's plan is written, translated by hand, approved and published
through the API; the generator's rows for the same summary must equal what landed in the
database, table by table, up to ids and times.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from bench.scale import summary_plan, summary_rows
from tests.factories import REASON, staff_headers
from webapp.extensions import db
from webapp.publishing.models import Publication
from webapp.search.folding import fold
from webapp.search.models import PublicationTag, SearchDocument
from webapp.summaries.models import Revision, Summary

TIMES = {"created_at", "updated_at", "published_at"}
IDS = {"id", "current_revision_id", "created_by_id", "published_by_id", "revision_id"}


def _publish_through_the_app(app, i: int, n: int) -> int:
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    payload, table = summary_plan(i, n)
    target = "ja" if payload["source_locale"] == "en" else "en"
    translator = staff_headers(app, "translator", [target])
    created = client.post("/api/v1/summaries", json=payload, headers=liaison)
    assert created.status_code == 201, created.json
    tr_id = created.json["translations"][target]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    for seg in tr["segments"]:
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": table[seg["source"]],
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
        assert resp.status_code == 200, resp.json
    assert client.post(f"/api/v1/translations/{tr_id}/approve", headers=translator).status_code
    resp = client.post(
        f"/api/v1/summaries/{created.json['id']}/publish",
        json={"locales": [payload["source_locale"], target]},
        headers=liaison,
    )
    assert resp.status_code == 200, resp.json
    return created.json["id"]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in TIMES | IDS}
    if "content" in out:
        content = dict(out["content"])
        content["provenance"] = {
            k: v for k, v in content["provenance"].items() if k != "reviewed_at"
        }
        out["content"] = content
    return out


def _columns(obj) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


@pytest.mark.parametrize("i", [0, 3])  # an English summary with the rare word; a Japanese one
def test_generated_rows_equal_the_rows_of_the_publish_path(app, i):
    n = 50_000
    summary_id = _publish_through_the_app(app, i, n)
    with app.app_context():
        pubs = list(
            db.session.scalars(
                select(Publication)
                .where(Publication.summary_id == summary_id)
                .order_by(Publication.id)
            )
        )
        expected = summary_rows(
            i,
            n,
            summary_id=summary_id,
            publication_ids=(pubs[0].id, pubs[1].id),
            user_id=0,
            now=datetime.now(),
        )
        actual = {
            "summaries": [_columns(db.session.get(Summary, summary_id))],
            "revisions": [
                _columns(r)
                for r in db.session.scalars(
                    select(Revision).where(Revision.summary_id == summary_id)
                )
            ],
            "publications": [_columns(p) for p in pubs],
            "search_documents": [_columns(db.session.get(SearchDocument, p.id)) for p in pubs],
            "publication_tags": [
                _columns(t)
                for t in db.session.scalars(
                    select(PublicationTag)
                    .where(PublicationTag.publication_id.in_([p.id for p in pubs]))
                    .order_by(PublicationTag.id)
                )
            ],
        }
    assert expected.keys() == actual.keys()
    for table, rows in expected.items():
        assert [_plain(r) for r in rows] == [_plain(r) for r in actual[table]], table
    if i == 0:
        # the index holds text folded (webapp/search/folding.py): 沖ノ鳥島 as 沖の鳥島
        assert "okinotorishima" in actual["search_documents"][0]["text"]
        assert fold("沖ノ鳥島") in actual["search_documents"][1]["text"]
