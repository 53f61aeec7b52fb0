"""The engine's confidence is stored per draft, banded, and can order the review page."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.jobs.worker import run_worker
from webapp.translation.quality import confidence

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def test_drafts_carry_a_score_and_people_clear_it(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    segments = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    scores = [s["score"] for s in segments]
    assert all(isinstance(x, float) and x <= 0 for x in scores)
    assert all(s["confidence"] == confidence(s["score"]) for s in segments)
    seg = segments[0]
    saved = client.put(
        f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
        json={"text": "人の訳", "version": seg["version"]},
        headers=translator,
    )
    assert saved.json["score"] is None and saved.json["confidence"] is None

    make_user(app, "translator", ["ja"], email="page@example.org")
    login(client, "page@example.org")
    page = client.get(f"/review/translations/{tr_id}?order=weakest").get_data(as_text=True)
    shown = [float(x) for x in re.findall(r"per token: (-?\d+\.\d+)", page)]
    assert shown == sorted(shown) and len(shown) == len(segments) - 1


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (None, None),
        (-0.1, "high"),
        (-0.5, "high"),
        (-0.9, "medium"),
        (-1.2, "medium"),
        (-3.0, "low"),
    ],
)
def test_bands(score, band):
    assert confidence(score) == band
