"""The liaison's desk: summaries x languages with their states, searchable, filterable, paged."""

from __future__ import annotations

import re

import pytest

from tests.factories import bearer, make_user, summary_payload
from tests.functional.test_sessions_and_login import sign_in
from webapp.jobs.worker import run_worker


@pytest.fixture
def desk(app, client):
    email = make_user(app, "liaison")
    headers = bearer(app, email)
    hegseth = client.post("/api/v1/summaries", json=summary_payload(), headers=headers).json
    client.post(
        f"/api/v1/summaries/{hegseth['id']}/publish", json={"locales": ["en"]}, headers=headers
    )
    defense = client.post(
        "/api/v1/summaries",
        json=summary_payload(
            "ja", title="防衛相会談", countries=["JP", "AU"], meeting_date="2026-03-02"
        ),
        headers=headers,
    ).json
    run_worker(app, burst=True)
    sign_in(client, email)
    return hegseth, defense


def titles(html: str) -> list[str]:
    return re.findall(r'lang="(?:en|ja)"><strong>([^<]+)</strong>', html)


def test_the_desk_shows_each_language_state_and_what_readers_see(client, desk):
    html = client.get("/manage/").get_data(as_text=True)
    assert titles(html) == ["防衛相会談", "Hegseth hosts Koizumi at the Pentagon"]
    assert "Readers see version 1" in html
    assert "badge-source" in html and "badge-in_review" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=pentagon", ["Hegseth hosts Koizumi at the Pentagon"]),
        ("q=防衛", ["防衛相会談"]),
        ("q=100%25", []),
        ("country=AU", ["防衛相会談"]),
        ("state=published", ["Hegseth hosts Koizumi at the Pentagon"]),
        ("state=source&locale=ja", ["防衛相会談"]),
        ("state=in_review&locale=en", ["防衛相会談"]),
        ("since=2026-02-01", ["防衛相会談"]),
        ("until=2026-02-01", ["Hegseth hosts Koizumi at the Pentagon"]),
    ],
)
def test_search_and_filters(client, desk, query, expected):
    resp = client.get(f"/manage/?{query}")
    assert resp.status_code == 200
    assert titles(resp.get_data(as_text=True)) == expected


@pytest.mark.parametrize("query", ["state=nonsense", "country=XX", "since=2026-99-99", "locale=fr"])
def test_bad_filters_are_form_errors(client, desk, query):
    resp = client.get(f"/manage/?{query}")
    assert resp.status_code == 422
    assert 'class="error"' in resp.get_data(as_text=True)


def test_the_desk_pages_without_gaps(app, client, monkeypatch):
    from webapp.desk import listing as desk_module

    monkeypatch.setattr(desk_module, "PAGE_SIZE", 2)
    email = make_user(app, "liaison")
    headers = bearer(app, email)
    for n in range(5):
        client.post(
            "/api/v1/summaries", json=summary_payload(title=f"Meeting number {n}"), headers=headers
        )
    sign_in(client, email)
    seen: list[str] = []
    for page in (1, 2, 3):
        seen += titles(client.get(f"/manage/?page={page}").get_data(as_text=True))
    assert sorted(seen) == [f"Meeting number {n}" for n in range(5)]
    assert titles(client.get("/manage/?page=99").get_data(as_text=True)) == ["Meeting number 0"]
