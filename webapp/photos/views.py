"""Photo files: their addresses, the upload limits, and the helpers every page with a photo uses.

The liaison's photo pages (upload, edit, move, delete) are the desk's (`desk.photos`), on this
blueprint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, request, url_for
from werkzeug.datastructures import FileStorage

from webapp.core.transactions import unit_of_work
from webapp.photos import storage

bp = Blueprint("photos", __name__, template_folder="templates")

# Room for the caption fields and the multipart framing on top of the largest photo.
FORM_ALLOWANCE = 1024 * 1024
UPLOAD_ENDPOINTS = frozenset(
    {"api.upload_photo", "api.put_photo_file", "photos.upload", "photos.attach"}
)


def limits() -> storage.Limits:
    return storage.Limits(
        current_app.config["PHOTO_MAX_BYTES"], current_app.config["PHOTO_MAX_PIXELS"]
    )


def photos_dir() -> str:
    return str(current_app.config["PHOTOS_DIR"])


def read_upload(upload: FileStorage | None) -> bytes:
    """The uploaded bytes, reading at most one byte past the limit (enough to refuse)."""
    if upload is None:
        return b""
    return upload.stream.read(current_app.config["PHOTO_MAX_BYTES"] + 1)


def commit_or_discard(written: list[Path]) -> None:
    """Commit; if that fails, take back the files so neither row nor file is half there."""
    with unit_of_work(on_rollback=lambda: storage.remove_paths(written)):
        pass


def file_url(storage_name: str, width: int, fmt: str) -> str:
    """The address of one width of a photo; the reader serves it, and decides who may see it
    (reader.photos: the public while a current snapshot shows it, staff always)."""
    return url_for("public.photo_file", name=storage.file_name(storage_name, width, fmt))


_IMAGE_FACTS = ("sizes", "format", "storage", "width", "height")


def image_attrs(p: Any) -> dict[str, Any]:
    """src, srcset, width and height for an <img> of a photo row or snapshot entry."""
    facts: dict[str, Any] = p if isinstance(p, dict) else {k: getattr(p, k) for k in _IMAGE_FACTS}
    sizes, fmt, name = list(facts["sizes"]), str(facts["format"]), str(facts["storage"])
    largest = sizes[-1]
    return {
        "src": file_url(name, largest, fmt),
        "srcset": ", ".join(f"{file_url(name, w, fmt)} {w}w" for w in sizes),
        "width": largest,
        "height": max(1, round(facts["height"] * largest / facts["width"])),
    }


def _allow_photo_bodies(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Photo uploads may be larger than other requests (MAX_CONTENT_LENGTH stays for the rest).

    A URL value preprocessor runs before every before_request hook, so the limit is raised
    before CSRF protection reads the form.
    """
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["PHOTO_MAX_BYTES"] + FORM_ALLOWANCE


def init_app(app: Flask) -> None:
    """Upload limits and the template helper the photo includes use."""
    app.url_value_preprocessor(_allow_photo_bodies)
    app.add_template_global(image_attrs, "photo_image")
