"""Photo files follow the page that shows them: public while a current snapshot shows the
photo, staff-only before that and after a withdrawal, gone with the summary (issue 21, item 10).

Before this, every stored file was served to anyone, `public, max-age=31536000, immutable`:
a draft's photos and a withdrawn summary's photos stayed public for a year."""

from __future__ import annotations

import io

import pytest

from tests.factories import make_user, sign_in, staff_headers, summary_payload
from tests.unit.photos.images import image_bytes


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(PHOTOS_DIR=str(tmp_path / "photos"), READER_SHARED_MAX_AGE=120)


def fetch(client, url: str, **headers: str):
    resp = client.get(url, headers=headers)
    resp.get_data()
    resp.close()  # a file response holds an open handle until closed
    return resp


@pytest.fixture
def desk(app, client):
    """A liaison's API headers, an English draft with one photo, and a signed-in translator."""
    liaison = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    photo = client.post(
        f"/api/v1/summaries/{made['id']}/photos",
        data={"file": (io.BytesIO(image_bytes("JPEG", (800, 600))), "a.jpg"), "alt": "Two men."},
        headers=liaison,
        content_type="multipart/form-data",
    ).json
    staff = app.test_client()
    sign_in(staff, make_user(app, "translator", ["ja"]))
    return liaison, made, photo, staff


@pytest.mark.backends("sqlite", "postgresql")
def test_a_drafts_photo_is_for_staff_and_a_published_one_for_everyone(client, desk):
    liaison, made, photo, staff = desk
    urls = [f["url"] for f in photo["files"]]
    assert len(urls) == 2
    for url in urls:
        assert fetch(client, url).status_code == 404  # a reader, before publishing
        seen = fetch(staff, url)
        assert seen.status_code == 200 and seen.mimetype == "image/webp"
        assert seen.headers["Cache-Control"] == "no-store"

    url = f"/api/v1/summaries/{made['id']}"
    assert (
        client.post(f"{url}/publish", json={"locales": ["en"]}, headers=liaison).status_code == 200
    )
    public = fetch(client, urls[0])
    assert public.status_code == 200
    assert public.headers["Cache-Control"] == "public, max-age=60, s-maxage=120"
    assert "immutable" not in public.headers["Cache-Control"]
    again = fetch(client, urls[0], **{"If-None-Match": public.headers["ETag"]})
    assert again.status_code == 304  # a cache revalidates without the bytes

    withdraw = {"locales": ["en"], "reason": "The photo was of the wrong meeting."}
    assert client.post(f"{url}/withdraw", json=withdraw, headers=liaison).status_code == 200
    assert fetch(client, urls[0]).status_code == 404  # at once, not in a year
    assert fetch(staff, urls[0]).status_code == 200  # the desk still works with it

    assert (
        client.post(f"{url}/publish", json={"locales": ["en"]}, headers=liaison).status_code == 200
    )
    assert fetch(client, urls[0]).status_code == 200


@pytest.mark.backends("sqlite", "postgresql")
def test_a_photo_taken_out_of_the_text_leaves_the_public_with_the_next_publish(client, desk):
    liaison, made, photo, staff = desk
    url = f"/api/v1/summaries/{made['id']}"
    assert (
        client.post(f"{url}/publish", json={"locales": ["en"]}, headers=liaison).status_code == 200
    )
    assert client.delete(f"{url}/photos/{photo['id']}", headers=liaison).status_code == 204
    # Readers still see the published page, photo and all, until the next publish.
    assert fetch(client, photo["url"]).status_code == 200
    assert (
        client.post(f"{url}/publish", json={"locales": ["en"]}, headers=liaison).status_code == 200
    )
    assert fetch(client, photo["url"]).status_code == 404


def test_a_deleted_draft_or_a_guessed_name_is_a_404_for_everyone(client, desk):
    liaison, made, photo, staff = desk
    assert client.delete(f"/api/v1/summaries/{made['id']}", headers=liaison).status_code == 204
    for who in (client, staff):
        assert fetch(who, photo["url"]).status_code == 404
    token = photo["url"].rsplit("/", 1)[1].split("-")[0]
    for who in (client, staff):
        assert fetch(who, f"/photos/{token}-9999.webp").status_code == 404  # no such width
        assert fetch(who, "/photos/" + "0" * 32 + "-480.webp").status_code == 404
        assert fetch(who, "/photos/..%2F..%2Fetc%2Fpasswd").status_code == 404
