"""Photo pages: serving the stored files, and the liaison's upload, edit, move and delete
(and the upload of a file into a photo that waits for it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from webapp.core.errors import NotFound, Refused, ValidationError, VersionConflict
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, public, requires
from webapp.extensions import db
from webapp.photos import services as photos
from webapp.photos import storage
from webapp.photos.forms import PhotoFileForm, PhotoMoveForm, PhotoTextForm, PhotoUploadForm
from webapp.summaries.models import Summary

bp = Blueprint("photos", __name__, template_folder="templates")

# Stored files never change (random names, never reused): browsers and proxies keep them a year.
IMMUTABLE = "public, max-age=31536000, immutable"
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
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.remove_paths(written)
        raise


def file_url(storage_name: str, width: int, fmt: str) -> str:
    return url_for("photos.file", name=storage.file_name(storage_name, width, fmt))


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


@bp.get("/photos/<name>")
@public
def file(name: str):
    """A stored photo file: a safe image type, cached for a year."""
    parsed = storage.parse_name(name)
    path = storage.path_of(photos_dir(), name)
    if parsed is None or path is None:
        abort(404)
    response = send_file(
        path, mimetype=storage.CONTENT_TYPES[parsed[2]], conditional=True, etag=True
    )
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@dataclass
class PhotoRow:
    item: photos.PhotoItem
    form: PhotoTextForm
    img: dict[str, Any] | None  # None while the photo waits for its file
    file_form: PhotoFileForm | None = None  # the upload into a waiting photo


@dataclass
class Panel:
    """Everything the photo section of a staff page shows, built in one place."""

    summary: Summary
    rows: list[PhotoRow]
    upload: PhotoUploadForm
    move: PhotoMoveForm
    delete: SimpleForm
    max_mb: str
    missing_alt: dict[str, str] = field(default_factory=dict)
    waiting: dict[str, str] = field(default_factory=dict)


def panel(
    summary: Summary,
    upload: PhotoUploadForm | None = None,
    failed: tuple[int, PhotoTextForm] | None = None,
    failed_file: tuple[int, PhotoFileForm] | None = None,
) -> Panel:
    """The photo section of a summary; `failed` and `failed_file` keep a form with its errors."""
    max_mb = f"{current_app.config['PHOTO_MAX_BYTES'] / (1024 * 1024):g}"
    hint = _(
        "JPEG, PNG or WebP, at most %(mb)s MB. Location and camera data are removed.", mb=max_mb
    )
    rows = []
    for item in photos.photo_items(db.session, summary):
        if failed and failed[0] == item.photo.id:
            form = failed[1]
        else:
            form = PhotoTextForm(
                prefix=f"photo{item.photo.id}",
                formdata=None,
                data={
                    "caption": item.caption,
                    "alt": item.alt,
                    "credit": item.credit,
                    "image_id": item.image_id,
                    "version": summary.version,
                },
            )
        if not item.waiting:
            rows.append(PhotoRow(item, form, image_attrs(item.photo)))
            continue
        if failed_file and failed_file[0] == item.photo.id:
            file_form = failed_file[1]
        else:
            file_form = PhotoFileForm(prefix=f"file{item.photo.id}", formdata=None)
        file_form.file.description = hint
        rows.append(PhotoRow(item, form, None, file_form))
    if upload is None:
        upload = PhotoUploadForm(prefix="upload", formdata=None, data={"version": summary.version})
    upload.file.description = hint
    return Panel(
        summary=summary,
        rows=rows,
        upload=upload,
        move=PhotoMoveForm(formdata=None, data={"version": summary.version}),
        delete=SimpleForm(formdata=None),
        max_mb=max_mb,
        missing_alt=photos.missing_alt_text(summary.revision),
        waiting=photos.waiting_for_file(db.session, summary.revision),
    )


def _apply_errors(form: PhotoTextForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        target = getattr(form, name.split(".")[0], None)
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)


def _page(summary: Summary, status: int, **kwargs: Any):
    return render_template(
        "photos/manage.html", summary=summary, panel=panel(summary, **kwargs)
    ), status


def _back(summary: Summary):
    return redirect(url_for("summaries.summary", summary_id=summary.id, _anchor="photos"))


@bp.get("/manage/summaries/<id:summary_id>/photos")
@requires(Permission.READ_SUMMARIES)
def manage(summary_id: int):
    summary = db.get_or_404(Summary, summary_id)
    return _page(summary, 200)


@bp.post("/manage/summaries/<id:summary_id>/photos")
@requires(Permission.WRITE_SUMMARY)
def upload(summary_id: int):
    summary = db.get_or_404(Summary, summary_id)
    form = PhotoUploadForm(prefix="upload")
    if not form.validate_on_submit():
        return _page(summary, 422, upload=form)
    try:
        _photo, written = photos.add_photo(
            db.session,
            summary,
            read_upload(form.file.data if isinstance(form.file.data, FileStorage) else None),
            form.text_data(),
            current_user,
            directory=photos_dir(),
            limits=limits(),
            expected_version=form.version.data,
        )
    except ValidationError as exc:
        db.session.rollback()
        _apply_errors(form, exc.fields)
        return _page(summary, 422, upload=form)
    except VersionConflict as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return _page(summary, 409, upload=form)
    commit_or_discard(written)
    flash(_("Photo added. Its caption and alt text are queued for translation."))
    return _back(summary)


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>/file")
@requires(Permission.WRITE_SUMMARY)
def attach(summary_id: int, photo_id: int):
    """Upload the file of a photo that is waiting for it; a refusal keeps the photo waiting."""
    summary = db.get_or_404(Summary, summary_id)
    _item_or_404(summary, photo_id)
    form = PhotoFileForm(prefix=f"file{photo_id}")
    if not form.validate_on_submit():
        return _page(summary, 422, failed_file=(photo_id, form))
    try:
        _photo, written = photos.attach_file(
            db.session,
            summary,
            photo_id,
            read_upload(form.file.data if isinstance(form.file.data, FileStorage) else None),
            current_user,
            directory=photos_dir(),
            limits=limits(),
        )
    except ValidationError as exc:
        db.session.rollback()
        form.file.errors = [*form.file.errors, *exc.fields.values()]
        return _page(summary, 422, failed_file=(photo_id, form))
    except Refused as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back(summary)
    commit_or_discard(written)
    flash(_("Photo file uploaded."))
    return _back(summary)


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>")
@requires(Permission.WRITE_SUMMARY)
def edit(summary_id: int, photo_id: int):
    summary = db.get_or_404(Summary, summary_id)
    _item_or_404(summary, photo_id)
    form = PhotoTextForm(prefix=f"photo{photo_id}")
    if form.validate_on_submit():
        try:
            photos.update_photo(
                db.session,
                summary,
                photo_id,
                form.text_data(),
                current_user,
                expected_version=form.version.data,
            )
        except ValidationError as exc:
            db.session.rollback()
            _apply_errors(form, exc.fields)
        except VersionConflict as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
            return _page(summary, 409, failed=(photo_id, form))
        else:
            db.session.commit()
            flash(_("Photo saved. A changed caption or alt text is translated again."))
            return _back(summary)
    return _page(summary, 422, failed=(photo_id, form))


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>/move")
@requires(Permission.WRITE_SUMMARY)
def move(summary_id: int, photo_id: int):
    summary = db.get_or_404(Summary, summary_id)
    item = _item_or_404(summary, photo_id)
    form = PhotoMoveForm()
    if form.validate_on_submit():
        step = -1 if form.direction.data == "up" else 1
        position = max(0, item.position + step)
        try:
            photos.update_photo(
                db.session,
                summary,
                photo_id,
                {"position": position},
                current_user,
                expected_version=form.version.data,
            )
        except (ValidationError, VersionConflict) as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
    return _back(summary)


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>/delete")
@requires(Permission.WRITE_SUMMARY)
def delete(summary_id: int, photo_id: int):
    summary = db.get_or_404(Summary, summary_id)
    _item_or_404(summary, photo_id)
    if SimpleForm().validate_on_submit():
        names = photos.delete_photo(db.session, summary, photo_id, current_user)
        db.session.commit()
        storage.remove_names(photos_dir(), names)
        flash(_("Photo removed."))
    return _back(summary)


def _item_or_404(summary: Summary, photo_id: int) -> photos.PhotoItem:
    try:
        return photos.get_item(db.session, summary, photo_id)
    except NotFound:
        abort(404)


def _allow_photo_bodies(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Photo uploads may be larger than other requests (MAX_CONTENT_LENGTH stays for the rest).

    A URL value preprocessor runs before every before_request hook, so the limit is raised
    before CSRF protection reads the form.
    """
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["PHOTO_MAX_BYTES"] + FORM_ALLOWANCE


def init_app(app: Flask) -> None:
    """Upload limits and the template helpers the photo includes use."""
    app.url_value_preprocessor(_allow_photo_bodies)
    app.add_template_global(panel, "photo_panel")
    app.add_template_global(image_attrs, "photo_image")
