"""Participants and quotes as rows: added, removed and reordered without JavaScript, errors beside
the row and field that caused them, countries from a list."""

from __future__ import annotations

import re

from tests.conftest import csrf_token
from tests.factories import make_user
from tests.functional.test_sessions_and_login import sign_in

BASE = {
    "source_locale": "en",
    "title": "Talks in Tokyo",
    "meeting_date": "2026-01-15",
    "body": "They met.",
}


def rows(html: str, name: str) -> list[str]:
    return re.findall(rf'id="{name}-\d+-name"[^>]*value="([^"]*)"', html)


def post(client, data):
    page = client.get("/manage/summaries/new").get_data(as_text=True)
    return client.post("/manage/summaries/new", data={**data, "csrf_token": csrf_token(page)})


def test_rows_are_added_moved_and_removed_without_javascript(app, client):
    sign_in(client, make_user(app, "liaison"))
    people = {
        "participants-0-name": "Pete Hegseth",
        "participants-1-name": "Shinjirō Koizumi",
    }
    added = post(client, {**BASE, **people, "row_action": "add:participants"})
    assert added.status_code == 200
    html = added.get_data(as_text=True)
    assert 'id="participants-2-name"' in html and "Saved" not in html
    moved = post(client, {**BASE, **people, "row_action": "up:participants:1"})
    assert rows(moved.get_data(as_text=True), "participants") == [
        "Shinjirō Koizumi",
        "Pete Hegseth",
    ]
    removed = post(client, {**BASE, **people, "row_action": "remove:participants:0"})
    assert rows(removed.get_data(as_text=True), "participants") == ["Shinjirō Koizumi"]
    odd = post(client, {**BASE, **people, "row_action": "remove:participants:99999"})
    assert odd.status_code == 200


def test_a_row_error_sits_beside_its_row_and_field(app, client):
    sign_in(client, make_user(app, "liaison"))
    resp = post(
        client,
        {
            **BASE,
            "participants-0-name": "Pete Hegseth",
            "participants-1-role": "Minister of Defense",  # no name
            "participants-1-country": "JP",
            "quotes-0-speaker": "Pete Hegseth",  # no text
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    name_field = html.split('id="participants-1-name"')[1].split("</div>")[0]
    assert 'class="error"' in name_field
    quote_field = html.split('id="quotes-0-text"')[1].split("</div>")[0]
    assert 'class="error"' in quote_field
    assert 'value="Minister of Defense"' in html  # nothing typed is lost


def test_countries_come_from_the_list_and_empty_rows_are_ignored(app, client):
    sign_in(client, make_user(app, "liaison"))
    bad = post(client, {**BASE, "countries": "USA", "participants-0-country": "XX"})
    assert bad.status_code == 422
    good = post(
        client,
        {
            **BASE,
            "countries": ["US", "JP"],
            "participants-0-name": "Pete Hegseth",
            "participants-0-country": "US",
            "participants-1-name": "",
            "quotes-0-text": "",
        },
    )
    assert good.status_code == 302
    page = client.get(
        good.headers["Location"].replace("/manage/summaries/", "/manage/summaries/") + "/edit"
    )
    html = page.get_data(as_text=True)
    assert rows(html, "participants") == ["Pete Hegseth"]
    assert re.search(r'<option selected value="JP">|<option value="JP" selected>', html)


def test_country_names_follow_the_ui_language(app, client):
    sign_in(client, make_user(app, "liaison"))
    client.set_cookie("lang", "ja")
    html = client.get("/manage/summaries/new", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert ">日本</option>" in html


def test_the_api_refuses_a_country_code_that_does_not_exist(app, client):
    from tests.factories import staff_headers, summary_payload

    headers = staff_headers(app, "liaison")
    for bad in ("XX", "USA", "jp"):
        resp = client.post(
            "/api/v1/summaries", json=summary_payload(countries=[bad]), headers=headers
        )
        assert resp.status_code == 422
        assert resp.json["fields"]["countries"]
    ok = client.post("/api/v1/summaries", json=summary_payload(countries=["JP"]), headers=headers)
    assert ok.status_code == 201
