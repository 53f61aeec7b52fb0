"""The summary form reports every error of one save at once, beside its field, with the input
kept and the place named: an impossible date, text over its limit, a control character."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_sessions_and_login import sign_in
from tests.functional.test_structured_editor import BASE, post
from webapp.summaries.schemas import MAX_LEDE

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def field_html(html: str, field_id: str) -> str:
    return html.split(f'id="{field_id}"')[1].split("</div>")[0]


def errors(html: str, field_id: str) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>([^<]*)</p>', field_html(html, field_id))


def test_one_save_shows_every_error_and_keeps_every_input(app, client):
    sign_in(client, make_user(app, "liaison"))
    long_lede = "Lede. " * 1000  # 6,000 characters, 4,000 over
    resp = post(
        client,
        {
            **BASE,
            "title": "",
            "meeting_date": "2026-02-31",
            "lede": long_lede,
            "body": "",
            "participants-0-role": "Minister of Defense",  # no name
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert errors(html, "title") == ["This field is required."]
    assert errors(html, "meeting_date") == ["Not a real date; use YYYY-MM-DD, such as 2026-01-15."]
    assert 'value="2026-02-31"' in field_html(html, "meeting_date")
    over = len(long_lede) - MAX_LEDE
    assert errors(html, "lede") == [f"{over} characters over the limit of {MAX_LEDE}; shorten it."]
    assert long_lede.strip() in field_html(html, "lede")  # kept whole, not cut
    assert errors(html, "body") == ["This field is required."]
    assert errors(html, "participants-0-name")
    assert 'value="Minister of Defense"' in html


def test_no_maxlength_cuts_pasted_text(app, client):
    sign_in(client, make_user(app, "liaison"))
    html = client.get("/manage/summaries/new").get_data(as_text=True)
    form = html.split('<form method="post" class="stacked"')[1].split("</form>")[0]
    assert "maxlength" not in form
    assert 'id="meeting_date"' in form and 'type="date"' not in field_html(form, "meeting_date")


def test_a_lede_one_over_says_one_character(app, client):
    sign_in(client, make_user(app, "liaison"))
    html = post(client, {**BASE, "lede": "x" * (MAX_LEDE + 1)}).get_data(as_text=True)
    assert errors(html, "lede") == [f"1 character over the limit of {MAX_LEDE}; shorten it."]


def test_a_control_character_is_named_with_its_line_and_place(app, client):
    sign_in(client, make_user(app, "liaison"))
    resp = post(client, {**BASE, "body": "They met.\r\nThey ag\x07reed.", "title": "Tal\x00ks"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    (body,) = errors(html, "body")
    assert "U+0007 CONTROL CHARACTER at character 18 (line 2)" in body
    (title,) = errors(html, "title")
    assert "U+0000 CONTROL CHARACTER at character 4" in title and "line" not in title


def test_the_edit_form_shows_every_error_at_once_too(app, client):
    sign_in(client, make_user(app, "liaison"))
    created = post(client, BASE)
    edit_url = created.location.rstrip("/") + "/edit"
    page = client.get(edit_url).get_data(as_text=True)
    resp = client.post(
        edit_url,
        data={
            **BASE,
            "csrf_token": csrf_token(page),
            "version": "1",
            "meeting_date": "2026-13-01",
            "body": "",
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert errors(html, "meeting_date") and errors(html, "body")
    assert 'value="2026-13-01"' in html


def test_the_api_names_the_place_and_the_overrun(client, app):
    liaison = staff_headers(app, "liaison")
    payload = summary_payload(body="Fine.\nNot\x01 fine.", lede="y" * (MAX_LEDE + 5))
    resp = client.post("/api/v1/summaries", json=payload, headers=liaison)
    assert resp.status_code == 422
    fields = resp.json["fields"]
    assert "U+0001 CONTROL CHARACTER at character 10 (line 2)" in fields["body"]
    assert fields["lede"] == f"5 characters over the limit of {MAX_LEDE}; shorten it."
