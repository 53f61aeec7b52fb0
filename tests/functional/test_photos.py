"""Photos: uploads made safe, served safely, their words translated and reviewed like text."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from sqlalchemy import func, select

from tests.factories import (
    REASON,
    bearer,
    make_user,
    sign_in,
    staff_headers,
    summary_payload,
)
from tests.unit.photos.images import GPS_IFD, image_bytes, jpeg_with_gps, noisy_png
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.photos.models import Photo


@pytest.fixture
def photos_dir(tmp_path) -> Path:
    return tmp_path / "photos"


@pytest.fixture
def app(make_app, photos_dir):
    return make_app(PHOTOS_DIR=str(photos_dir))


def upload(client, summary_id, headers, data: bytes, name="photo.jpg", **fields):
    form = {"file": (io.BytesIO(data), name), **fields}
    return client.post(
        f"/api/v1/summaries/{summary_id}/photos",
        data=form,
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.fixture
def staff_client(app, liaison):
    """A browser signed in as the liaison (`liaison` made the account): staff see every photo."""
    browser = app.test_client()
    sign_in(browser, "liaison-all@example.org")
    return browser


def stored_files(photos_dir: Path) -> list[str]:
    return sorted(p.name for p in photos_dir.iterdir()) if photos_dir.exists() else []


def get_file(client, url: str):
    """GET a served file and close it (a file response holds an open handle until closed)."""
    resp = client.get(url)
    resp.get_data()
    resp.close()
    return resp


def photo_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Photo.id)))


def approve_all(client, app, tr_id) -> None:
    with app.app_context():
        known = db.session.scalar(select(User.id).where(User.email == "tr-ja@example.org"))
    translator = (
        bearer(app, "tr-ja@example.org")
        if known
        else staff_headers(app, "translator", ["ja"], email="tr-ja@example.org")
    )
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    for seg in tr["segments"]:
        if seg["status"] != "approved":
            resp = client.put(
                f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
                json={
                    "text": f"承認 {seg['key']}",
                    "approve": True,
                    "reason": REASON,
                    "version": seg["version"],
                },
                headers=translator,
            )
            assert resp.status_code == 200, resp.json
    assert (
        client.post(f"/api/v1/translations/{tr_id}/approve", headers=translator).status_code == 200
    )


@pytest.mark.backends("sqlite", "postgresql")
def test_a_jpeg_with_gps_comes_back_upright_without_metadata(
    staff_client, client, liaison, created, photos_dir
):
    original = jpeg_with_gps((1200, 800), orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test can fail
    resp = upload(
        client,
        created["id"],
        liaison,
        original,
        caption="Two ministers.",
        alt="Two men shake hands.",
        credit="Navy Petty Officer 1st Class Alexander Kubitza",
        image_id="260115-D-PM193-3130",
    )
    assert resp.status_code == 201, resp.json
    photo = resp.json
    assert (photo["width"], photo["height"]) == (800, 1200)  # orientation applied, then dropped
    assert [f["width"] for f in photo["files"]] == [480, 800]
    assert photo["summary_version"] == created["version"] + 1
    assert " 480w" in photo["srcset"] and " 800w" in photo["srcset"]
    served = get_file(staff_client, photo["url"])
    assert served.status_code == 200
    assert served.mimetype == "image/webp"
    assert served.headers["Cache-Control"] == "no-store"  # a draft's photo, to staff only
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "WEBP" and image.size == (800, 1200)
    assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
    for needle in (b"Exif", b"SecretCameraMaker", b"GPS"):
        assert needle not in served.data
    # Random names outside the static folder, not the upload's name.
    assert all(n.endswith(".webp") and "photo" not in n for n in stored_files(photos_dir))
    assert len(stored_files(photos_dir)) == 2


def test_a_png_named_jpg_is_handled_by_its_content(staff_client, client, liaison, created):
    png = image_bytes("PNG", (640, 480))
    resp = upload(client, created["id"], liaison, png, name="holiday.jpg", alt="A chart.")
    assert resp.status_code == 201, resp.json
    assert (resp.json["width"], resp.json["height"]) == (640, 480)
    assert get_file(staff_client, resp.json["url"]).mimetype == "image/webp"


def _truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", (800, 600))
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("settings", "data", "name", "message"),
    [
        ({"PHOTO_MAX_BYTES": 50_000}, noisy_png((200, 200)), "big.png", "at most 0.05 MB"),
        (
            {"PHOTO_MAX_PIXELS": 1_000_000},
            image_bytes("PNG", (1200, 1000)),
            "wide.png",
            "1200 × 1000 pixels; at most 1 megapixels",
        ),
        ({}, _truncated_jpeg(), "cut.jpg", "could not be read as an image"),
        ({}, b"GIF89a not what we take", "anim.gif", "not a JPEG, PNG or WebP"),
        ({}, b"%PDF-1.4 hello", "photo.png", "not a JPEG, PNG or WebP"),
        ({}, b"", "empty.jpg", "Choose a photo file"),
    ],
    ids=["oversize", "too-many-pixels", "corrupt", "gif", "pdf-named-png", "empty"],
)
def test_a_refused_upload_says_why_and_leaves_no_file_and_no_row(
    make_app, tmp_path, settings, data, name, message
):
    photos_dir = tmp_path / "refused"
    app = make_app(PHOTOS_DIR=str(photos_dir), **settings)
    client = app.test_client()
    headers = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=headers).json
    resp = upload(client, created["id"], headers, data, name=name, alt="x")
    assert resp.status_code == 422, resp.json
    assert message in resp.json["fields"]["file"]
    assert stored_files(photos_dir) == []
    assert photo_rows(app) == 0
    again = client.get(f"/api/v1/summaries/{created['id']}", headers=headers).json
    assert again["version"] == created["version"] and again["photos"] == []


def test_bad_words_are_refused_beside_their_field_with_the_file_problem_too(
    client, liaison, created, photos_dir
):
    resp = upload(client, created["id"], liaison, b"nope", credit="a\x00b", image_id="x" * 101)
    assert resp.status_code == 422
    assert set(resp.json["fields"]) == {"file", "credit", "image_id"}
    assert stored_files(photos_dir) == []


def test_editing_a_caption_makes_a_revision_and_only_that_segment_goes_back(
    app, client, liaison, created
):
    photo = upload(
        client,
        created["id"],
        liaison,
        image_bytes(),
        caption="Table talk.",
        alt="Ministers at a table.",
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    approve_all(client, app, tr_id)
    before = client.get(f"/api/v1/summaries/{created['id']}", headers=liaison).json
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}/photos/{photo['id']}",
        json={"caption": "Table talk at the Pentagon."},
        headers={**liaison, "If-Match": f'"{before["version"]}"'},
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["caption"] == "Table talk at the Pentagon."
    assert resp.json["summary_version"] == before["version"] + 1
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=liaison).json
    assert tr["status"] == "stale"
    not_approved = [s["key"] for s in tr["segments"] if s["status"] != "approved"]
    assert not_approved == ["photo.0.caption"]
    # A credit is not a segment: changing it keeps the approval.
    run_worker(app, burst=True)
    approve_all(client, app, tr_id)
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}/photos/{photo['id']}",
        json={"credit": "DoD photo"},
        headers=liaison,
    )
    assert resp.status_code == 200
    assert client.get(f"/api/v1/translations/{tr_id}", headers=liaison).json["status"] == "approved"
    # A stale If-Match is refused with what changed.
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}/photos/{photo['id']}",
        json={"alt": "Late edit"},
        headers={**liaison, "If-Match": '"1"'},
    )
    assert resp.status_code == 412 and resp.json["current"]["changed_fields"] == ["photos"]


@pytest.mark.backends("sqlite", "postgresql")
def test_list_move_delete_and_ids_of_other_summaries_are_404(
    app, client, liaison, created, photos_dir
):
    first = upload(client, created["id"], liaison, image_bytes(), caption="One", alt="1").json
    second = upload(client, created["id"], liaison, image_bytes("PNG"), caption="Two", alt="2").json
    listed = client.get(f"/api/v1/summaries/{created['id']}", headers=liaison).json["photos"]
    assert [p["id"] for p in listed] == [first["id"], second["id"]]
    moved = client.patch(
        f"/api/v1/summaries/{created['id']}/photos/{second['id']}",
        json={"position": 0},
        headers=liaison,
    )
    assert moved.status_code == 200 and moved.json["position"] == 0
    listed = client.get(f"/api/v1/summaries/{created['id']}", headers=liaison).json["photos"]
    assert [p["caption"] for p in listed] == ["Two", "One"]
    other = client.post("/api/v1/summaries", json=summary_payload(title="Other"), headers=liaison)
    other_id = other.json["id"]
    for method in ("patch", "delete"):
        for summary_id, photo_id in ((other_id, first["id"]), (created["id"], 999_999)):
            resp = getattr(client, method)(
                f"/api/v1/summaries/{summary_id}/photos/{photo_id}", json={}, headers=liaison
            )
            assert resp.status_code == 404, (method, summary_id, photo_id)
    assert client.get("/photos/../../etc/passwd").status_code == 404
    assert client.get("/photos/" + "0" * 32 + "-480.webp").status_code == 404
    files_before = len(stored_files(photos_dir))
    resp = client.delete(f"/api/v1/summaries/{created['id']}/photos/{first['id']}", headers=liaison)
    assert resp.status_code == 204
    assert len(stored_files(photos_dir)) == files_before - len(first["files"])
    assert get_file(client, first["url"]).status_code == 404
    listed = client.get(f"/api/v1/summaries/{created['id']}", headers=liaison).json["photos"]
    assert [p["id"] for p in listed] == [second["id"]]


def test_alt_text_is_required_before_publishing_and_readers_get_a_figure(client, liaison, created):
    photo = upload(
        client,
        created["id"],
        liaison,
        image_bytes(),
        caption="Pentagon meeting.",
        credit="Alexander Kubitza",
        image_id="260115-D-PM193-3130",
    ).json
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    assert resp.status_code == 422
    assert "Photo 1 has no alt text" in resp.json["fields"]["photos.0.alt"]
    client.patch(
        f"/api/v1/summaries/{created['id']}/photos/{photo['id']}",
        json={"alt": "Two men stand for the anthems."},
        headers=liaison,
    )
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    assert resp.status_code == 200, resp.json
    page = client.get(f"/en/summaries/{created['slug']}").get_data(as_text=True)
    assert '<figure class="photo">' in page
    assert 'alt="Two men stand for the anthems."' in page
    assert f'srcset="{photo["files"][0]["url"]} 480w' in page
    assert "Pentagon meeting." in page and "Alexander Kubitza" in page
    assert "260115-D-PM193-3130" in page
    assert '<meta property="og:image" content="http://127.0.0.1:5000/photos/' in page
    assert '<meta property="og:image:alt" content="Two men stand for the anthems.">' in page
    # Removing a photo that readers see keeps its files until the next publish.
    client.delete(f"/api/v1/summaries/{created['id']}/photos/{photo['id']}", headers=liaison)
    assert get_file(client, photo["url"]).status_code == 200


@pytest.mark.backends("sqlite", "postgresql")
def test_caption_and_alt_are_translated_by_the_real_worker_and_published_in_japanese(
    app, client, liaison, created
):
    credit, image_id = "Navy Petty Officer 1st Class Alexander Kubitza", "260115-D-PM193-3192"
    upload(
        client,
        created["id"],
        liaison,
        image_bytes(),
        caption="Hegseth hosts a meeting.",
        alt="Two delegations sit at a table.",
        credit=credit,
        image_id=image_id,
    )
    assert run_worker(app, burst=True) >= 1
    tr_id = created["translations"]["ja"]["id"]
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=liaison).json
    by_key = {s["key"]: s for s in tr["segments"]}
    for key in ("photo.0.caption", "photo.0.alt"):
        assert by_key[key]["origin"] == "mt" and by_key[key]["status"] == "draft"
        assert by_key[key]["text"]
    assert by_key["photo.0.alt"]["source"] == "Two delegations sit at a table."
    # Credits and image ids are never sent to the machine.
    assert not any(credit in s["source"] or image_id in s["source"] for s in tr["segments"])
    approve_all(client, app, tr_id)
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["ja"]}, headers=liaison
    )
    assert resp.status_code == 200, resp.json
    page = client.get(f"/ja/summaries/{created['slug']}").get_data(as_text=True)
    assert 'alt="承認 photo.0.alt"' in page and "承認 photo.0.caption" in page
    assert credit in page and image_id in page  # as written


def test_the_review_workspace_labels_photo_segments(app, client, liaison, created):
    upload(client, created["id"], liaison, image_bytes(), caption="A caption.", alt="An alt.")
    run_worker(app, burst=True)
    sign_in(client, make_user(app, "translator", ["ja"], email="reviewer@example.org"))
    page = client.get(f"/review/translations/{created['translations']['ja']['id']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Photo 1: caption" in text and "Photo 1: alt text" in text
    # Both are translated looking at the photo: its image sits beside each, and is served.
    blocks = {
        label: text.split(label, 1)[1].split("</form>", 1)[0]
        for label in ("Photo 1: caption", "Photo 1: alt text")
    }
    for block in blocks.values():
        found = re.search(
            r"<a class=\"segment-photo\" href=\"(/photos/[^\"]+)\"[^>]*><img src=\"\1\"", block
        )
        assert found, block
        served = client.get(found.group(1))
        assert served.status_code == 200 and served.mimetype.startswith("image/")
        served.close()
    body = text.split('id="seg-', 2)[1].split("</form>", 1)[0]  # the title: no photo there
    assert "segment-photo" not in body


def test_openapi_documents_the_upload_as_multipart(client):
    doc = client.get("/api/v1/openapi.json").json
    op = doc["paths"]["/api/v1/summaries/{summary_id}/photos"]["post"]
    schema_ref = op["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    upload_schema = doc["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert set(upload_schema["properties"]) == {"file", "caption", "alt", "credit", "image_id"}
    got = doc["paths"]["/api/v1/summaries/{summary_id}"]["get"]["responses"]["200"]
    summary_ref = got["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "photos" in doc["components"]["schemas"][summary_ref]["properties"]


def test_prune_deletes_only_old_files_no_photo_names(
    app, staff_client, client, liaison, created, photos_dir
):
    """Files a crash left behind go; a photo's own files, a young upload's and others' stay."""
    resp = upload(client, created["id"], liaison, image_bytes("PNG", (640, 480)), alt="A chart.")
    assert resp.status_code == 201, resp.json
    kept = stored_files(photos_dir)
    old = 1_000_000_000  # 2001: long before any cut-off
    orphan = photos_dir / f"{'a' * 32}-480.webp"
    half_written = photos_dir / f".{'b' * 32}-480.webp.0123abcd.part"
    young = photos_dir / f"{'c' * 32}-480.webp"
    foreign = photos_dir / "README.txt"
    for path in (orphan, half_written, young, foreign):
        path.write_bytes(b"x" * 1000)
    for path in (orphan, half_written, foreign, *(photos_dir / n for n in kept)):
        os.utime(path, (old, old))
    runner = app.test_cli_runner()
    looked = runner.invoke(args=["photos", "prune", "--dry-run"])
    assert looked.exit_code == 0, looked.output
    assert "Would delete 2 files" in looked.output and orphan.name in looked.output
    assert orphan.exists() and half_written.exists()
    done = runner.invoke(args=["photos", "prune"])
    assert done.exit_code == 0 and "Deleted 2 files" in done.output
    assert stored_files(photos_dir) == sorted([*kept, young.name, foreign.name])
    assert get_file(staff_client, resp.json["url"]).status_code == 200
    refused = runner.invoke(args=["photos", "prune", "--older-than-minutes", "0"])
    assert refused.exit_code == 2 and "older-than-minutes" in refused.output


@pytest.mark.parametrize(
    "profile",
    [
        pytest.param(os.urandom(42_000), id="42-KB-of-arbitrary-bytes"),
        pytest.param(
            ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
            id="a-real-sRGB-profile",
        ),
    ],
)
def test_a_colour_profile_is_applied_then_dropped(staff_client, client, liaison, created, profile):
    """Seen before: 42 KB of arbitrary bytes as an ICC profile reached every reader (issue 22)."""
    original = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 30, 30)).save(original, "PNG", icc_profile=profile)
    assert Image.open(io.BytesIO(original.getvalue())).info["icc_profile"] == profile
    resp = upload(client, created["id"], liaison, original.getvalue(), name="red.png")
    assert resp.status_code == 201, resp.json
    for file in resp.json["files"]:
        served = get_file(staff_client, file["url"])
        image = Image.open(io.BytesIO(served.data))
        assert "icc_profile" not in image.info
        assert len(served.data) < 10_000
        red, green, blue = image.convert("RGB").getpixel((10, 10))
        assert abs(red - 200) < 8 and green < 40 and blue < 40


@pytest.fixture
def small_disk(tmp_path):
    """A 24 KB tmpfs for the photo folder: a real full disk (root only; skipped elsewhere)."""
    import subprocess

    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_photo_disk_is_a_507_that_leaves_nothing_behind(make_app, small_disk):
    """Seen before: ENOSPC from the photo folder was a 500 (issue 22, the fault suite)."""
    app = make_app(PHOTOS_DIR=str(small_disk))
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    big = noisy_png((400, 300))  # under the test client's 500 KB spool: no temporary file
    assert len(big) > 24_000
    refused = upload(client, created["id"], liaison, big, name="big.png", caption="Too big.")
    assert refused.status_code == 507, refused.get_data(as_text=True)
    assert "full" in refused.json["error"]
    assert stored_files(small_disk) == [] and photo_rows(app) == 0
    small = image_bytes("JPEG", (120, 80))
    fits = upload(client, created["id"], liaison, small, caption="Fits.")
    assert fits.status_code == 201, fits.json  # the folder works again once there is room
