"""Photos in the JSON API: add (multipart), change, move, remove, and the file of a photo that
waits for it; listed with the summary."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.core.api import bp, if_match_version, json_body, operation
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import ErrorOut
from webapp.core.transactions import unit_of_work
from webapp.desk.schemas import photo_out
from webapp.extensions import db
from webapp.photos import storage
from webapp.photos.schemas import PhotoFileUpload, PhotoOut, PhotoPatch, PhotoUpload
from webapp.photos.views import (
    commit_or_discard,
    limits,
    photos_dir,
    read_upload,
)
from webapp.summaries import photos
from webapp.summaries import services as summaries
from webapp.summaries.models import Summary


def _answer(summary: Summary, photo_id: int, status: int = 200) -> ResponseReturnValue:
    out = photo_out(summary, photos.get_item(db.session, summary, photo_id))
    return jsonify(out.model_dump(mode="json")), status, {"ETag": f'"{summary.version}"'}


@bp.post("/summaries/<id:summary_id>/photos")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l("Add a photo (multipart/form-data: file, caption, alt, credit, image_id)"),
    body=PhotoUpload,
    body_type="multipart/form-data",
    responses={201: PhotoOut, 507: ErrorOut},
    if_match="optional",
)
def upload_photo(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    expected = if_match_version()
    fields = request.form.to_dict(flat=True)
    photo, written = photos.add_photo(
        db.session,
        summary,
        read_upload(request.files.get("file")),
        fields,
        acting_user(),
        directory=photos_dir(),
        limits=limits(),
        expected_version=expected,
    )
    commit_or_discard(written)
    return _answer(summary, photo.id, 201)


@bp.put("/summaries/<id:summary_id>/photos/<id:photo_id>/file")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l(
        "Upload the file of a photo that is waiting for it (multipart/form-data: file); its "
        "words stay as they are and no new version is made"
    ),
    body=PhotoFileUpload,
    body_type="multipart/form-data",
    responses={200: PhotoOut, 507: ErrorOut},
)
def put_photo_file(summary_id: int, photo_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    photo, written = photos.attach_file(
        db.session,
        summary,
        photo_id,
        read_upload(request.files.get("file")),
        acting_user(),
        directory=photos_dir(),
        limits=limits(),
    )
    commit_or_discard(written)
    return _answer(summary, photo.id)


@bp.patch("/summaries/<id:summary_id>/photos/<id:photo_id>")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l("Change a photo's caption, alt text, credit, image id or position"),
    body=PhotoPatch,
    responses={200: PhotoOut},
    if_match="optional",
)
def patch_photo(summary_id: int, photo_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    expected = if_match_version()
    with unit_of_work():
        photos.update_photo(
            db.session, summary, photo_id, json_body(PhotoPatch), acting_user(), expected
        )
    return _answer(summary, photo_id)


@bp.delete("/summaries/<id:summary_id>/photos/<id:photo_id>")
@requires(Permission.WRITE_SUMMARY)
@operation(_l("Remove a photo from the summary"), responses={204: None}, if_match="optional")
def delete_photo(summary_id: int, photo_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    expected = if_match_version()
    with unit_of_work():
        names = photos.delete_photo(db.session, summary, photo_id, acting_user(), expected)
    storage.remove_names(photos_dir(), names)
    return "", 204, {"ETag": f'"{summary.version}"'}
