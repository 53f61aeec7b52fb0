"""Imported photo blocks become photos waiting for their files, and publishing waits for them."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import bearer, make_user, sign_in, summary_payload
from tests.functional.test_backup import restored, restored_url  # noqa: F401
from tests.functional.test_photos import approve_all, get_file, stored_files
from tests.functional.test_photos_html import form_token
from tests.unit.photos.images import image_bytes
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.photos.models import Photo
from webapp.publishing.models import Publication

# A release of our own in the seed's shape: .gov chrome, headline, dateline, two photo blocks
# (alt text, title, caption, Credit:, VIRIN:), a quote and related stories.
RELEASE = """An official website of the United States Government
Here's how you know

Ministers Open Talks on a Coastal Radar Network

HONOLULU, Feb. 20, 2026 — The U.S. secretary of war and Japan's defense minister met in Honolulu \
to plan a shared coastal radar network across the Pacific.

Two men in suits shake hands in front of two flags on a stage.
Handshake in Honolulu
Secretary of War Pete Hegseth greets Japan's Defense Minister Shinjirō Koizumi at Camp Smith, \
Hawaii, Feb. 20, 2026.
Credit: Air Force Staff Sgt. Maria Example
VIRIN: 260220-F-AB123-0007

The ministers agreed that the radar sites would share their tracks within seconds by the end of \
the year.

"Every island we watch together is an island that is safer," Hegseth said.

A row of officers studies a large map spread on a table.
Map Review
Officers from both countries review radar coverage maps during the talks.
Credit: Navy Petty Officer 2nd Class Ken Sample
VIRIN: 260220-N-CD456-0112

Related Stories
Hegseth Hosts Japanese Counterpart at Pentagon
"""

# What saving the release keeps of each photo: its title ("Handshake in Honolulu") has no field
# of its own and opens the caption, so nothing the release says is lost.
FIRST = {
    "caption": "Handshake in Honolulu: Secretary of War Pete Hegseth greets Japan's Defense "
    "Minister Shinjirō Koizumi at Camp Smith, Hawaii, Feb. 20, 2026.",
    "alt": "Two men in suits shake hands in front of two flags on a stage.",
    "credit": "Air Force Staff Sgt. Maria Example",
    "image_id": "260220-F-AB123-0007",
}
SECOND = {
    "caption": "Map Review: Officers from both countries review radar coverage maps during the "
    "talks.",
    "alt": "A row of officers studies a large map spread on a table.",
    "credit": "Navy Petty Officer 2nd Class Ken Sample",
    "image_id": "260220-N-CD456-0112",
}
WORDS = ("caption", "alt", "credit", "image_id")


class FormValues(HTMLParser):
    """What a browser would send for the form posting to `action` (no button pressed)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside = action, False
        self.values: list[tuple[str, str]] = []
        self._text: tuple[str, list[str]] | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "file", "reset"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.values.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._text = (a["name"], [])
        elif tag == "select":
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._text is not None:
            self._text[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._text is not None:
            self.values.append((self._text[0], "".join(self._text[1]).removeprefix("\n")))
            self._text = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [v for v, on in options if on] or ([] if multiple else [options[0][0]])
            self.values.extend((name, v) for v in chosen)
            self._select = None


def form_values(html: str, action: str) -> dict[str, list[str]]:
    parser = FormValues(action)
    parser.feed(html)
    found: dict[str, list[str]] = {}
    for name, value in parser.values:
        found.setdefault(name, []).append(value)
    assert found, f"no form posting to {action}"
    return found


def import_and_save(client, release: str = RELEASE, change=None):
    """Paste the release, keep what the form shows (or change it), save; returns the response."""
    page = client.get("/manage/summaries/import").get_data(as_text=True)
    resp = client.post(
        "/manage/summaries/import",
        data={"text": release, "csrf_token": csrf_token(page)},
    )
    assert resp.status_code == 200
    values = form_values(resp.get_data(as_text=True), "/manage/summaries/new")
    if change:
        change(values)
    return client.post("/manage/summaries/new", data=values)


def summary_id_of(resp) -> int:
    assert resp.status_code == 302, resp.get_data(as_text=True)
    location = resp.headers["Location"]
    assert location.endswith("#photos")
    return int(location.split("#")[0].rstrip("/").rsplit("/", 1)[-1])


def upload_html(client, summary_id: int, photo_id: int, data: bytes, name: str):
    page = client.get(f"/manage/summaries/{summary_id}").get_data(as_text=True)
    action = f"/manage/summaries/{summary_id}/photos/{photo_id}/file"
    return client.post(
        action,
        data={
            f"file{photo_id}-csrf_token": csrf_token(page),  # one session, one valid token
            f"file{photo_id}-file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


@pytest.fixture
def photos_dir(tmp_path):
    return tmp_path / "photos"


@pytest.fixture
def app(make_app, photos_dir):
    return make_app(PHOTOS_DIR=str(photos_dir))


@pytest.fixture
def desk(app, client):
    """A liaison signed in to the pages, and the same person's API headers."""
    email = make_user(app, "liaison", email="desk@example.org")
    sign_in(client, email)
    return bearer(app, email)


@pytest.mark.backends("sqlite", "postgresql")
def test_an_imported_release_keeps_its_photos_until_their_files_arrive_then_publishes(
    app, client, desk, photos_dir
):
    summary_id = summary_id_of(import_and_save(client))
    api = f"/api/v1/summaries/{summary_id}"
    summary = client.get(api, headers=desk).json
    photos = summary["photos"]
    assert [{k: p[k] for k in WORDS} for p in photos] == [FIRST, SECOND]
    assert [p["waiting_for_file"] for p in photos] == [True, True]
    assert photos[0]["url"] is None and photos[0]["files"] == []
    assert summary["version"] == 1  # the photos are in the first version, not a second one
    first, second = photos[0]["id"], photos[1]["id"]

    # Captions and alt texts are segments like the rest; credits and image ids never are.
    tr_id = summary["translations"]["ja"]["id"]
    segments = client.get(f"/api/v1/translations/{tr_id}", headers=desk).json["segments"]
    keys = {s["key"]: s["source"] for s in segments}
    for i, words in enumerate((FIRST, SECOND)):
        assert keys[f"photo.{i}.caption"] == words["caption"]
        assert keys[f"photo.{i}.alt"] == words["alt"]
    for words in (FIRST, SECOND):
        assert not any(words["credit"] in s or words["image_id"] in s for s in keys.values())

    # The staff page shows each waiting photo with its words and an upload control.
    page = client.get(f"/manage/summaries/{summary_id}").get_data(as_text=True)
    assert "2 photos are waiting for their files" in page
    assert page.count("Waiting for its file") == 2
    for words in (FIRST, SECOND):
        assert words["credit"] in page and words["image_id"] in page
    for photo_id in (first, second):
        assert f'action="/manage/summaries/{summary_id}/photos/{photo_id}/file"' in page
    manage = client.get(f"/manage/summaries/{summary_id}/photos").get_data(as_text=True)
    assert manage.count("Waiting for its file") == 2
    preview = client.get(f"/manage/summaries/{summary_id}/preview/en").get_data(as_text=True)
    assert preview.count('class="photo photo-placeholder"') == 2
    # A translator reading a caption or alt text is told its photo has no file to look at yet.
    reviewer = app.test_client()
    sign_in(reviewer, make_user(app, "translator", ["ja"], email="reviewer@example.org"))
    review = reviewer.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert review.count("The photo's file is not uploaded yet.") == 4
    assert "segment-photo" not in review.replace("segment-photo-waiting", "")
    assert FIRST["caption"].replace("'", "&#39;") in preview

    # Publishing is refused, naming each photo that waits.
    refused = client.post(f"{api}/publish", json={"locales": ["en"]}, headers=desk)
    assert refused.status_code == 422
    assert set(refused.json["fields"]) == {"photos.0.file", "photos.1.file"}
    assert FIRST["image_id"] in refused.json["fields"]["photos.0.file"]
    assert "waiting for its file" in refused.json["fields"]["photos.1.file"]
    page = client.get(f"/manage/summaries/{summary_id}").get_data(as_text=True)
    html_refused = client.post(
        f"/manage/summaries/{summary_id}/publish",
        data={
            "csrf_token": form_token(page, f"/manage/summaries/{summary_id}/publish"),
            "locale": "en",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Photo 2 ({SECOND['image_id']}) is still waiting for its file" in html_refused
    assert client.get(f"/en/summaries/{summary['slug']}").status_code == 404

    # One file through the page (without JavaScript), the other through the API.
    resp = upload_html(client, summary_id, first, image_bytes(), "first.jpg")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#photos")
    resp = client.put(
        f"{api}/photos/{second}/file",
        data={"file": (io.BytesIO(image_bytes("PNG", (800, 600))), "second.png")},
        headers=desk,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["waiting_for_file"] is False and resp.json["width"] == 800
    assert {k: resp.json[k] for k in WORDS} == SECOND
    assert resp.json["summary_version"] == 1  # the words did not change
    assert get_file(client, resp.json["files"][0]["url"]).status_code == 200
    again = client.put(
        f"{api}/photos/{second}/file",
        data={"file": (io.BytesIO(image_bytes()), "third.jpg")},
        headers=desk,
        content_type="multipart/form-data",
    )
    assert again.status_code == 409 and "already has its file" in again.json["error"]

    # Both languages publish once the Japanese captions are approved.
    run_worker(app, burst=True)
    approve_all(client, app, tr_id)
    resp = client.post(f"{api}/publish", json={"locales": ["en", "ja"]}, headers=desk)
    assert resp.status_code == 200, resp.json
    for locale in ("en", "ja"):
        reader = client.get(f"/{locale}/summaries/{summary['slug']}").get_data(as_text=True)
        assert reader.count('<figure class="photo">') == 2
        assert "photo-placeholder" not in reader and "Waiting for its file" not in reader
        for words in (FIRST, SECOND):
            assert words["credit"] in reader and words["image_id"] in reader
    en = client.get(f"/en/summaries/{summary['slug']}").get_data(as_text=True)
    assert f'alt="{SECOND["alt"]}"' in en
    with app.app_context():
        snapshots = db.session.scalars(select(Publication.content)).all()
    assert len(snapshots) == 2
    assert all(p.get("storage") and not p.get("waiting") for c in snapshots for p in c["photos"])


def test_a_refused_file_keeps_the_photo_waiting_with_its_words(app, client, desk, photos_dir):
    summary_id = summary_id_of(import_and_save(client))
    api = f"/api/v1/summaries/{summary_id}"
    first = client.get(api, headers=desk).json["photos"][0]["id"]
    resp = upload_html(client, summary_id, first, b"Meeting notes, not a photo.\n", "notes.jpg")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "not a JPEG, PNG or WebP" in html
    assert html.count("Waiting for its file") == 2 and FIRST["image_id"] in html
    resp = client.put(
        f"{api}/photos/{first}/file",
        data={"file": (io.BytesIO(b"plain text"), "notes.txt")},
        headers=desk,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422 and "not a JPEG, PNG or WebP" in resp.json["fields"]["file"]
    empty = client.put(f"{api}/photos/{first}/file", headers=desk)
    assert empty.status_code == 422 and "file" in empty.json["fields"]
    after = client.get(api, headers=desk).json
    assert after["version"] == 1
    assert {k: after["photos"][0][k] for k in WORDS} == FIRST
    assert after["photos"][0]["waiting_for_file"] is True
    assert stored_files(photos_dir) == []


def test_a_missing_slot_is_404_and_a_waiting_photo_can_be_removed(app, client, desk):
    summary_id = summary_id_of(import_and_save(client))
    api = f"/api/v1/summaries/{summary_id}"
    photos = client.get(api, headers=desk).json["photos"]
    other = client.post("/api/v1/summaries", json=summary_payload(title="Other"), headers=desk).json
    image = image_bytes()
    for url in (
        f"{api}/photos/999999/file",
        f"/api/v1/summaries/{other['id']}/photos/{photos[0]['id']}/file",
    ):
        resp = client.put(
            url,
            data={"file": (io.BytesIO(image), "a.jpg")},
            headers=desk,
            content_type="multipart/form-data",
        )
        assert resp.status_code == 404, url
        assert resp.json["error"] == "This summary has no photo with that id."
    assert upload_html(client, summary_id, 999999, image, "a.jpg").status_code == 404

    page = client.get(f"/manage/summaries/{summary_id}").get_data(as_text=True)
    delete = f"/manage/summaries/{summary_id}/photos/{photos[0]['id']}/delete"
    resp = client.post(delete, data={"csrf_token": form_token(page, delete)})
    assert resp.status_code == 302
    after = client.get(api, headers=desk).json
    assert [p["id"] for p in after["photos"]] == [photos[1]["id"]]
    assert after["version"] == 2
    with app.app_context():
        assert db.session.get(Photo, photos[0]["id"]) is None
    resp = client.delete(f"{api}/photos/{photos[1]['id']}", headers=desk)
    assert resp.status_code == 204
    assert client.post(f"{api}/publish", json={"locales": ["en"]}, headers=desk).status_code == 200


def test_the_liaison_can_change_or_drop_an_imported_photo_before_saving(app, client, desk):
    def change(values):
        values["photos-0-caption"] = ["A caption written by hand."]
        for name in WORDS:  # an emptied row is no photo
            values[f"photos-1-{name}"] = [""]

    summary_id = summary_id_of(import_and_save(client, change=change))
    photos = client.get(f"/api/v1/summaries/{summary_id}", headers=desk).json["photos"]
    assert [p["caption"] for p in photos] == ["A caption written by hand."]

    def too_long(values):
        values["photos-1-image_id"] = ["x" * 101]

    resp = import_and_save(client, change=too_long)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "100 characters" in html and 'id="photos-1-image_id"' in html

    def two_lines(values):  # the schema's rule, checked by the service, lands beside the field
        values["photos-1-credit"] = ["Line one\nLine two"]

    resp = import_and_save(client, change=two_lines)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    start = html.index('id="photos-1-credit"')
    assert 'class="error"' in html[start : html.index('id="photos-1-image_id"')]


def test_a_release_with_more_rows_than_a_form_holds_is_read_not_a_server_error(app, client, desk):
    quotes = "\n\n".join(
        f'"Quotation number {n} is long enough to count," Hegseth said.' for n in range(55)
    )
    photo = "\n\n".join(
        f"Caption {n}.\nCredit: DoD\nVIRIN: 260220-D-XX000-{n:04d}" for n in range(52)
    )
    release = f"Many Quotes\n\nWASHINGTON, Feb. 20, 2026 — A lede.\n\n{quotes}\n\n{photo}\n"
    page = client.get("/manage/summaries/import").get_data(as_text=True)
    resp = client.post(
        "/manage/summaries/import", data={"text": release, "csrf_token": csrf_token(page)}
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'id="quotes-49-text"' in html and 'id="quotes-50-text"' not in html
    assert 'id="photos-49-caption"' in html and 'id="photos-50-caption"' not in html
    assert "260220-D-XX000-0051" in html and "Not in the form" in html


def test_openapi_documents_the_file_upload_into_a_waiting_photo(client):
    doc = client.get("/api/v1/openapi.json").json
    op = doc["paths"]["/api/v1/summaries/{summary_id}/photos/{photo_id}/file"]["put"]
    ref = op["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    assert set(doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]) == {"file"}
    assert {"200", "404", "409", "422"} <= set(op["responses"])
    out = doc["components"]["schemas"]["PhotoOut"]["properties"]
    assert "waiting_for_file" in out


def test_a_waiting_photo_survives_a_backup_and_still_waits(
    app,
    client,
    desk,
    restored,  # noqa: F811
    tmp_path,
):
    summary_id = summary_id_of(import_and_save(client))
    backup = tmp_path / "backup.zip"
    out = app.test_cli_runner().invoke(args=["export", str(backup)])
    assert out.exit_code == 0, out.output
    out = restored.test_cli_runner().invoke(args=["import", str(backup)])
    assert out.exit_code == 0, out.output
    headers = bearer(restored, "desk@example.org")
    there = restored.test_client()
    summary = there.get(f"/api/v1/summaries/{summary_id}", headers=headers).json
    assert [{k: p[k] for k in WORDS} for p in summary["photos"]] == [FIRST, SECOND]
    assert all(p["waiting_for_file"] for p in summary["photos"])
    refused = there.post(
        f"/api/v1/summaries/{summary_id}/publish", json={"locales": ["en"]}, headers=headers
    )
    assert refused.status_code == 422 and "photos.0.file" in refused.json["fields"]


def test_the_json_api_creates_photos_waiting_for_their_files_too(app, client, desk):
    """What the import page does, a script can do: create the summary with its photos' words,
    then send each file. Malformed words are field errors, and nothing is created."""
    bad = client.post(
        "/api/v1/summaries",
        json=summary_payload(photos=[FIRST, {**SECOND, "alt": "x" * 5000}]),
        headers=desk,
    )
    assert bad.status_code == 422 and list(bad.json["fields"]) == ["photos.1.alt"]
    for shape in ({"caption": "not a list"}, ["not an object"]):
        wrong = client.post("/api/v1/summaries", json=summary_payload(photos=shape), headers=desk)
        assert wrong.status_code == 422 and "photos" in wrong.json["fields"]
    with app.app_context():
        assert db.session.scalars(select(Photo)).all() == []

    created = client.post(
        "/api/v1/summaries", json=summary_payload(photos=[FIRST, SECOND]), headers=desk
    )
    assert created.status_code == 201, created.json
    photos = created.json["photos"]
    assert [{k: p[k] for k in WORDS} for p in photos] == [FIRST, SECOND]
    assert [p["waiting_for_file"] for p in photos] == [True, True]
    api = f"/api/v1/summaries/{created.json['id']}"
    for photo in photos:
        resp = client.put(
            f"{api}/photos/{photo['id']}/file",
            data={"file": (io.BytesIO(image_bytes()), "photo.jpg")},
            headers=desk,
            content_type="multipart/form-data",
        )
        assert resp.status_code == 200 and resp.json["waiting_for_file"] is False
    assert client.post(f"{api}/publish", json={"locales": ["en"]}, headers=desk).status_code == 200
    doc = client.get("/api/v1/openapi.json").json
    create = doc["paths"]["/api/v1/summaries"]["post"]["requestBody"]["content"]
    schema = create["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "photos" in doc["components"]["schemas"][schema]["properties"]
