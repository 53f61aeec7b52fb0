"""Hidden characters (direction controls, zero-width, tags) are refused in names and labels, with
a field message on the API and beside the field in the form; all text is stored composed (NFC)."""

from __future__ import annotations

import unicodedata

import pytest

from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_photos import upload
from tests.functional.test_sessions_and_login import sign_in
from tests.functional.test_structured_editor import BASE, post
from tests.unit.photos.images import image_bytes

pytestmark = pytest.mark.backends("sqlite", "postgresql")

HIDDEN = {
    "right-to-left override": "\u202e",
    "right-to-left isolate": "\u2067",
    "right-to-left mark": "\u200f",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "tag latin capital a": "\U000e0041",
}


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(PHOTOS_DIR=str(tmp_path / "photos"))


@pytest.fixture
def liaison(app):
    return staff_headers(app, "liaison")


@pytest.mark.parametrize("char", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_api_names_every_field_holding_a_hidden_character(client, liaison, char):
    payload = summary_payload(
        title=f"Talks{char} in Tokyo",
        location=f"Tok{char}yo",
        participants=[{"name": f"Pete{char} Hegseth", "role": f"Secretary{char}", "country": "US"}],
    )
    resp = client.post("/api/v1/summaries", json=payload, headers=liaison)
    assert resp.status_code == 422
    fields = resp.json["fields"]
    assert set(fields) == {"title", "location", "participants.0.name", "participants.0.role"}
    code = f"U+{ord(char):04X}"
    assert all(code in message and "remove" in message for message in fields.values())


def test_a_change_of_title_is_checked_too(client, liaison):
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"title": "gnitset\u202e Testing"},
        headers={**liaison, "If-Match": str(created["version"])},
    )
    assert resp.status_code == 422 and "U+202E" in resp.json["fields"]["title"]


def test_an_emoji_joined_by_zwj_is_refused_in_a_title(client, liaison):
    """A deliberate cost: ZWJ also joins emoji sequences (👩‍💻); titles and names need none."""
    resp = client.post(
        "/api/v1/summaries",
        json=summary_payload(title="Coders \U0001f469\u200d\U0001f4bb"),
        headers=liaison,
    )
    assert resp.status_code == 422 and "U+200D" in resp.json["fields"]["title"]


def test_photo_captions_and_credits_are_checked(client, liaison):
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    resp = upload(
        client,
        created["id"],
        liaison,
        image_bytes(),
        caption="The ministers\u200b shake hands",
        credit="Photo\u2066 by DOD",
        alt="Two men shake hands",
    )
    assert resp.status_code == 422
    assert set(resp.json["fields"]) == {"caption", "credit"}


def test_the_form_shows_the_error_beside_the_field_and_keeps_the_text(app, client):
    sign_in(client, make_user(app, "liaison"))
    resp = post(
        client,
        {**BASE, "title": "Talks\u202e in Tokyo", "participants-0-name": "Pete\u200b Hegseth"},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    title = html.split('id="title"')[1].split("</div>")[0]
    assert "U+202E" in title and 'class="error"' in title
    assert "Talks\u202e in Tokyo" in title  # nothing typed is lost
    name = html.split('id="participants-0-name"')[1].split("</div>")[0]
    assert "U+200B" in name


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("Cafe\u0301 talks", "Café talks"), ("か\u3099いこう会談", "がいこう会談")],
)
def test_text_is_stored_composed(client, liaison, sent, stored):
    payload = summary_payload(
        title=sent,
        body=f"{sent} began.",
        participants=[{"name": sent, "role": sent, "country": "JP"}],
    )
    created = client.post("/api/v1/summaries", json=payload, headers=liaison)
    assert created.status_code == 201
    got = client.get(f"/api/v1/summaries/{created.json['id']}", headers=liaison).json
    assert got["title"] == stored and got["body"] == f"{stored} began."
    assert got["participants"][0]["name"] == stored == unicodedata.normalize("NFC", sent)


def test_a_form_title_is_stored_composed(app, client):
    email = make_user(app, "liaison")
    sign_in(client, email)
    assert post(client, {**BASE, "title": "Cafe\u0301 talks"}).status_code == 302
    html = client.get("/manage/").get_data(as_text=True)
    assert "Café talks" in html and "Cafe\u0301" not in html


def test_a_name_written_with_a_cjk_compatibility_ideograph_keeps_it(client, liaison):
    """NFC would turn U+FA19 神 into U+795E 神, changing how a person writes their name; the rest
    of the text is still composed."""
    name = "\ufa19田か\u3099"
    payload = summary_payload(participants=[{"name": name, "role": "Minister", "country": "JP"}])
    created = client.post("/api/v1/summaries", json=payload, headers=liaison)
    assert created.status_code == 201
    got = client.get(f"/api/v1/summaries/{created.json['id']}", headers=liaison).json
    assert got["participants"][0]["name"] == "\ufa19田が"
