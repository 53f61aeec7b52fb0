""" "My work" (issue 18, item 2): each person sees what waits for them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import bearer, make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.core.db import utcnow

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def test_my_work_shows_each_person_what_waits_for_them(app):
    client = app.test_client()
    liaison_email = make_user(app, "liaison", email="dc-desk@example.org")
    liaison = bearer(app, liaison_email)
    staff_headers(app, "translator", ["ja"], email="tokyo@example.org")
    make_user(app, "translator", ["ja"], email="osaka@example.org")
    made = [
        client.post(
            "/api/v1/summaries",
            json=summary_payload(title=f"Readout number {n}"),
            headers=liaison,
        ).json
        for n in range(3)
    ]
    ids = [m["translations"]["ja"]["id"] for m in made]
    late = (utcnow() - timedelta(hours=1)).isoformat()
    soon = (utcnow() + timedelta(hours=1)).isoformat()
    url = "/api/v1/translations/{}/assignment"
    changes = {
        ids[0]: {"assignee": "tokyo@example.org", "needed_by": late},
        ids[1]: {"needed_by": soon},
    }
    for tr_id, change in changes.items():
        assert client.patch(url.format(tr_id), json=change, headers=liaison).status_code == 200

    tokyo = app.test_client()
    login(tokyo, "tokyo@example.org")
    page = tokyo.get("/manage/work").get_data(as_text=True)
    assigned, _, rest = page.partition("Unassigned, with a deadline")
    assert "Readout number 0" in assigned and "Overdue" in assigned
    assert "Readout number 1" in rest and "Due soon" in rest
    assert "Readout number 2" not in page  # nobody's, no deadline: the queue has it

    osaka = app.test_client()
    login(osaka, "osaka@example.org")
    theirs = osaka.get("/manage/work").get_data(as_text=True)
    assert "No translation is assigned to you." in theirs

    desk = app.test_client()
    login(desk, liaison_email)
    mine = desk.get("/manage/work").get_data(as_text=True)
    assert all(f"Readout number {n}" in mine for n in range(3))
    assert "tokyo@example.org" in mine and "Not assigned to anyone" in mine
    assert mine.index("Readout number 0") < mine.index("Readout number 2")  # deadlines first
