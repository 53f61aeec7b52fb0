"""Text-direction controls: refused in names and labels with the character and its place named;
dropped from multi-line text (body, lede, quotes, captions) with a message, so "evil" written
behind a right-to-left override can never display as "live"."""

from __future__ import annotations

import pytest

from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_photos import upload
from tests.functional.test_sessions_and_login import sign_in
from tests.functional.test_structured_editor import BASE, post
from tests.unit.photos.images import image_bytes

pytestmark = pytest.mark.backends("sqlite", "postgresql")

RLO, PDF = "\u202e", "\u202c"
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI += ["\u200e", "\u200f"]


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(PHOTOS_DIR=str(tmp_path / "photos"))


@pytest.fixture
def liaison(app):
    return staff_headers(app, "liaison")


def test_a_title_names_the_override_and_its_place(client, liaison):
    resp = client.post(
        "/api/v1/summaries", json=summary_payload(title=f"Talk{RLO}s in Tokyo"), headers=liaison
    )
    assert resp.status_code == 422
    assert "U+202E RIGHT-TO-LEFT OVERRIDE at character 5" in resp.json["fields"]["title"]


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_every_name_and_label_refuses_each_control(client, liaison, char):
    code = f"U+{ord(char):04X}"
    payload = summary_payload(
        title=f"{char}Talks",
        location=f"Tokyo{char}",
        participants=[{"name": f"Pete {char}Hegseth", "role": f"Se{char}cretary", "country": "US"}],
        quotes=[{"speaker": f"He{char}gseth", "text": "We agree."}],
    )
    resp = client.post("/api/v1/summaries", json=payload, headers=liaison)
    assert resp.status_code == 422
    fields = resp.json["fields"]
    places = {
        "title": "at character 1",
        "location": "at character 6",
        "participants.0.name": "at character 6",
        "participants.0.role": "at character 3",
        "quotes.0.speaker": "at character 3",
    }
    for name, place in places.items():
        assert f"{code} " in fields[name] and place in fields[name], (name, fields[name])


def test_photo_credits_and_topic_names_refuse_them(client, liaison):
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    resp = upload(
        client, created["id"], liaison, image_bytes(), credit=f"DOD{RLO}", alt="Two ministers"
    )
    assert resp.status_code == 422
    assert "U+202E RIGHT-TO-LEFT OVERRIDE at character 4" in resp.json["fields"]["credit"]
    topic = {"slug": "industry", "names": {"en": f"{RLO}Industry", "ja": "防衛産業"}}
    resp = client.post("/api/v1/topics", json=topic, headers=liaison)
    assert resp.status_code == 422
    assert "U+202E" in " ".join(resp.json["fields"].values())


def test_evil_can_no_longer_display_as_live(app, client, liaison):
    """Written as U+202E + "evil", the word displays reversed ("live") wherever the character
    survives; the body, lede, quotes and captions keep the words and lose the control."""
    payload = summary_payload(
        body=f"The plan is {RLO}evil{PDF}.\n\nNothing else.",
        lede="A \u2067lede\u2069 here.",
        quotes=[{"speaker": "Hegseth", "text": f"It is {RLO}evil{PDF}."}],
    )
    created = client.post("/api/v1/summaries", json=payload, headers=liaison)
    assert created.status_code == 201
    got = client.get(f"/api/v1/summaries/{created.json['id']}", headers=liaison).json
    assert got["body"] == "The plan is evil.\n\nNothing else."
    assert got["lede"] == "A lede here."
    assert got["quotes"][0]["text"] == "It is evil."
    sign_in(client, make_user(app, "liaison", email="reader@example.org"))
    page = client.get(f"/manage/summaries/{created.json['id']}").get_data(as_text=True)
    assert "evil" in page and not any(c in page for c in BIDI)
    resp = upload(client, created.json["id"], liaison, image_bytes(), caption=f"An {RLO}evil plan")
    assert resp.status_code == 201 and resp.json["caption"] == "An evil plan"


def test_the_form_says_what_it_removed_and_where(app, client):
    sign_in(client, make_user(app, "liaison"))
    resp = post(client, {**BASE, "body": f"They met.\r\nThe plan is {RLO}evil."})
    assert resp.status_code == 302
    page = client.get(resp.location).get_data(as_text=True)
    assert "Removed 1 text-direction character" in page
    assert "U+202E RIGHT-TO-LEFT OVERRIDE at character 23 (line 2) in Body" in page
    assert RLO not in page


def test_the_form_refuses_one_in_a_title_beside_the_field(app, client):
    sign_in(client, make_user(app, "liaison"))
    resp = post(client, {**BASE, "title": f"Talks {RLO}in Tokyo"})
    assert resp.status_code == 422
    title = resp.get_data(as_text=True).split('id="title"')[1].split("</div>")[0]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE at character 7" in title
