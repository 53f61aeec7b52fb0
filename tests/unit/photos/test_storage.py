"""Checking, re-encoding and writing photo files (no app, no database)."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from tests.unit.photos.images import image_bytes, jpeg_with_gps
from webapp.core.errors import ValidationError
from webapp.photos import storage

LIMITS = storage.Limits(max_bytes=5_000_000, max_pixels=10_000_000)


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (300, [300]),
        (480, [480]),
        (800, [480, 800]),
        (1600, [480, 960, 1600]),
        (4000, [480, 960, 1600]),
    ],
)
def test_sizes_are_the_standard_widths_below_the_image_and_never_upscaled(width, widths):
    assert storage.target_widths(width) == widths


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (image_bytes("JPEG", (10, 10)), "JPEG"),
        (image_bytes("PNG", (10, 10)), "PNG"),
        (image_bytes("WEBP", (10, 10)), "WEBP"),
        (image_bytes("GIF", (10, 10)), None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
    ],
)
def test_the_type_comes_from_the_content(data, kind):
    assert storage.sniff(data) == kind


def test_prepare_strips_metadata_turns_upright_and_makes_each_width():
    prepared = storage.prepare(jpeg_with_gps((2000, 1000), orientation=6), LIMITS)
    assert (prepared.width, prepared.height) == (1000, 2000)
    assert prepared.sizes == [480, 960, 1000]
    for width, blob in prepared.files.items():
        im = Image.open(io.BytesIO(blob))
        assert im.format == "WEBP" and im.width == width
        assert not im.getexif() and b"GPS" not in blob


def test_transparency_survives():
    im = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    out = io.BytesIO()
    im.save(out, "PNG")
    blob = storage.prepare(out.getvalue(), LIMITS).files[64]
    assert Image.open(io.BytesIO(blob)).mode == "RGBA"


def test_a_header_claiming_a_huge_image_is_refused_before_decoding():
    # A tiny PNG whose header says 100,000 × 100,000: the bomb guard must stop it unread.
    data = bytearray(image_bytes("PNG", (1, 1)))
    data[16:24] = (100_000).to_bytes(4, "big") * 2
    with pytest.raises(ValidationError) as err:
        storage.prepare(bytes(data), storage.Limits(10_000_000, 10**12))
    assert "file" in err.value.fields


def test_a_failed_write_leaves_no_file(tmp_path):
    prepared = storage.prepare(image_bytes("JPEG", (1200, 800)), LIMITS)
    folder = tmp_path / "photos"
    folder.mkdir()
    # The second width's final name is taken by a folder: the rename fails midway.
    (folder / storage.file_name(prepared.token, 960, prepared.format)).mkdir()
    with pytest.raises(OSError):
        storage.write(folder, prepared)
    assert [p.name for p in folder.iterdir()] == [
        storage.file_name(prepared.token, 960, prepared.format)
    ]


@pytest.mark.parametrize(
    "name", ["../secret", "a" * 32 + "-480.png", "A" * 32 + "-480.webp", "x.webp", ""]
)
def test_only_stored_names_are_served(tmp_path, name):
    assert storage.path_of(tmp_path, name) is None


def test_a_photo_too_tall_for_its_width_is_refused_not_a_server_error():
    with pytest.raises(ValidationError) as refused:
        storage.prepare(image_bytes("PNG", (600, 20000)), storage.Limits(15_000_000, 40_000_000))
    assert "600 × 20000" in refused.value.fields["file"]


NAME = f"{'a' * 32}-480.webp"
CONTENT = b"RIFF....WEBPVP8 " + bytes(range(256)) * 50
DIGEST = hashlib.sha256(CONTENT).hexdigest()


def test_a_restored_file_appears_only_when_it_matches(tmp_path):
    path = storage.restore(tmp_path, NAME, io.BytesIO(CONTENT), len(CONTENT), DIGEST)
    assert path == tmp_path / NAME and path.read_bytes() == CONTENT
    # The same file again (an import retried): kept, and not reported as written by this call.
    assert storage.restore(tmp_path, NAME, io.BytesIO(CONTENT), len(CONTENT), DIGEST) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]


@pytest.mark.parametrize(
    "content, size, name, message",
    [
        (CONTENT[:-1] + b"x", len(CONTENT), NAME, "does not match"),
        (CONTENT + b"more", len(CONTENT), NAME, "does not match"),
        (CONTENT[:-1], len(CONTENT), NAME, "does not match"),
        (CONTENT, len(CONTENT), "../" + NAME, "not the name of a stored photo file"),
        (CONTENT, len(CONTENT), NAME.replace("webp", "svg"), "not the name"),
    ],
    ids=["other bytes", "longer", "shorter", "traversal", "other type"],
)
def test_a_file_that_does_not_match_leaves_nothing(tmp_path, content, size, name, message):
    folder = tmp_path / "photos"
    with pytest.raises(storage.NotRestored, match=message):
        storage.restore(folder, name, io.BytesIO(content), size, DIGEST)
    assert not list(tmp_path.rglob("*.*"))


def test_a_different_file_under_the_same_name_is_not_replaced(tmp_path):
    (tmp_path / NAME).write_bytes(b"someone else's")
    with pytest.raises(storage.NotRestored, match="different file"):
        storage.restore(tmp_path, NAME, io.BytesIO(CONTENT), len(CONTENT), DIGEST)
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]
    assert (tmp_path / NAME).read_bytes() == b"someone else's"
