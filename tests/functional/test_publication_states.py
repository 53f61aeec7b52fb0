"""What readers of a language are shown moves only as `publishing.states.ALLOWED` says, and each
move is one event (`summary.published`, `summary.withdrawn`) that search and others follow."""

from __future__ import annotations

import pytest

from tests.factories import staff_headers, summary_payload
from webapp.core.events import subscriber, unsubscribe
from webapp.publishing import states
from webapp.publishing.events import SummaryPublished, SummaryWithdrawn
from webapp.publishing.states import Shown


@pytest.fixture
def heard():
    got: list[tuple[str, str]] = []

    def listen(session, event):
        got.append((event.name, event.locale))

    for cls in (SummaryPublished, SummaryWithdrawn):
        subscriber(cls)(listen)
    yield got
    for cls in (SummaryPublished, SummaryWithdrawn):
        unsubscribe(cls, listen)


def test_the_table_lets_a_language_be_published_again_and_withdrawn_only_while_published():
    assert {(a, b) for a in Shown for b in states.ALLOWED[a]} == {
        (Shown.NEVER, Shown.PUBLISHED),
        (Shown.PUBLISHED, Shown.PUBLISHED),
        (Shown.PUBLISHED, Shown.WITHDRAWN),
        (Shown.WITHDRAWN, Shown.PUBLISHED),
    }


@pytest.mark.backends("sqlite", "postgresql")
def test_publish_withdraw_and_publish_again_walk_the_table_with_one_event_each(
    backend, app, client, heard
):
    liaison = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    url = f"/api/v1/summaries/{made['id']}"
    withdraw = {"locales": ["en"], "reason": "The date was wrong."}

    never = client.post(f"{url}/withdraw", json=withdraw, headers=liaison)  # never -> withdrawn
    assert never.status_code == 422 and "en" in never.json["fields"]["locales"]
    assert (
        client.post(f"{url}/publish", json={"locales": ["en"]}, headers=liaison).status_code == 200
    )
    assert client.post(f"{url}/withdraw", json=withdraw, headers=liaison).status_code == 200
    again = client.post(f"{url}/withdraw", json=withdraw, headers=liaison)  # withdrawn -> withdrawn
    assert again.status_code == 422
    assert (
        client.post(f"{url}/publish", json={"locales": ["en"]}, headers=liaison).status_code == 200
    )
    edited = client.patch(
        url, json={"title": "Hegseth and Koizumi meet"}, headers={**liaison, "If-Match": '"1"'}
    )
    assert edited.status_code == 200, edited.json
    assert (
        client.post(f"{url}/publish", json={"locales": ["en"]}, headers=liaison).status_code == 200
    )
    assert heard == [
        ("summary.published", "en"),
        ("summary.withdrawn", "en"),
        ("summary.published", "en"),
        ("summary.published", "en"),  # a newer snapshot replaces the one readers saw
    ]
    assert client.get("/en/search?q=Koizumi+meet").status_code == 200
