"""The photo section of the staff summary page works without JavaScript."""

from __future__ import annotations

import io
import re

import pytest

from tests.factories import make_user, sign_in
from tests.functional.test_photos import stored_files
from tests.unit.photos.images import image_bytes


@pytest.fixture
def photos_dir(tmp_path):
    return tmp_path / "photos"


@pytest.fixture
def app(make_app, photos_dir):
    return make_app(PHOTOS_DIR=str(photos_dir))


def form_token(html: str, action: str) -> str:
    """The CSRF token of the form posting to `action` (prefixed forms name theirs differently)."""
    start = html.index(f'action="{action}"')
    match = re.search(r'name="([\w-]*csrf_token)" type="hidden" value="([^"]+)"', html[start:])
    assert match
    return match.group(2)


def test_a_liaison_uploads_edits_moves_and_removes_photos_in_the_page(
    app, client, created, photos_dir
):
    sign_in(client, make_user(app, "liaison", email="desk@example.org"))
    page_url = f"/manage/summaries/{created['id']}"
    action = f"/manage/summaries/{created['id']}/photos"
    html = client.get(page_url).get_data(as_text=True)
    assert 'id="photos"' in html and "No photos yet." in html
    token = form_token(html, action)
    resp = client.post(
        action,
        data={
            "upload-csrf_token": token,
            "upload-version": str(created["version"]),
            "upload-file": (io.BytesIO(b"\xff\xd8\xff broken"), "broken.jpg"),
            "upload-caption": "Kept after an error",
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "could not be read as an image" in html
    assert "Kept after an error" in html  # the liaison's words are not lost
    assert stored_files(photos_dir) == []
    for n, caption in enumerate(("First photo", "Second photo")):
        resp = client.post(
            action,
            data={
                "upload-csrf_token": token,
                "upload-version": str(created["version"] + n),
                "upload-file": (io.BytesIO(image_bytes()), f"p{n}.jpg"),
                "upload-caption": caption,
            },
            content_type="multipart/form-data",
        )
        assert resp.status_code == 302 and resp.headers["Location"].endswith("#photos")
    html = client.get(page_url).get_data(as_text=True)
    assert html.index("First photo") < html.index("Second photo")
    assert "2 photos have no alt text yet" in html
    ids = re.findall(r'id="photo-(\d+)"', html)
    second = ids[1]
    edit = f"/manage/summaries/{created['id']}/photos/{second}"
    resp = client.post(
        edit,
        data={
            f"photo{second}-csrf_token": form_token(html, edit),
            f"photo{second}-version": str(created["version"] + 2),
            f"photo{second}-caption": "Second photo, edited",
            f"photo{second}-alt": "Two men in T-shirts shake hands.",
            f"photo{second}-image_id": "x" * 101,
        },
    )
    assert resp.status_code == 422
    assert "100 characters" in resp.get_data(as_text=True)
    resp = client.post(
        edit,
        data={
            f"photo{second}-csrf_token": form_token(html, edit),
            f"photo{second}-version": str(created["version"] + 2),
            f"photo{second}-caption": "Second photo, edited",
            f"photo{second}-alt": "Two men in T-shirts shake hands.",
            f"photo{second}-image_id": "260115-D-PM193-1533",
        },
    )
    assert resp.status_code == 302
    # A save from a page opened before that edit is refused, not silently applied.
    stale = client.post(
        edit,
        data={
            f"photo{second}-csrf_token": form_token(html, edit),
            f"photo{second}-version": str(created["version"] + 2),
            f"photo{second}-caption": "Old tab",
        },
    )
    assert stale.status_code == 409 and "Someone else saved" in stale.get_data(as_text=True)
    html = client.get(page_url).get_data(as_text=True)
    move = f"/manage/summaries/{created['id']}/photos/{second}/move"
    resp = client.post(
        move,
        data={
            "csrf_token": form_token(html, move),
            "direction": "up",
            "version": str(created["version"] + 3),
        },
    )
    assert resp.status_code == 302
    html = client.get(page_url).get_data(as_text=True)
    assert html.index("Second photo, edited") < html.index("First photo")
    assert "1 photo has no alt text yet" in html
    delete = f"/manage/summaries/{created['id']}/photos/{second}/delete"
    files = len(stored_files(photos_dir))
    resp = client.post(delete, data={"csrf_token": form_token(html, delete)})
    assert resp.status_code == 302
    html = client.get(page_url).get_data(as_text=True)
    assert "Second photo" not in html and "First photo" in html
    assert len(stored_files(photos_dir)) < files


def test_a_translator_sees_the_photos_but_no_forms(app, client, created, liaison):
    client.post(
        f"/api/v1/summaries/{created['id']}/photos",
        data={"file": (io.BytesIO(image_bytes()), "a.jpg"), "caption": "Seen by all"},
        headers=liaison,
        content_type="multipart/form-data",
    )
    sign_in(client, make_user(app, "translator", ["ja"]))
    html = client.get(f"/manage/summaries/{created['id']}").get_data(as_text=True)
    assert "Seen by all" in html and "Upload photo" not in html
