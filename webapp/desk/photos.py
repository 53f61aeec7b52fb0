"""The liaison's photo pages: upload, edit, move and delete (and the upload of a file into a
photo that waits for it), on the photos blueprint (`photos.views.bp`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from webapp.core.errors import NotFound, Refused, ValidationError, VersionConflict
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.photos import storage
from webapp.photos.forms import PhotoFileForm, PhotoMoveForm, PhotoTextForm, PhotoUploadForm
from webapp.photos.schemas import PhotoPatch
from webapp.photos.views import (
    bp,
    commit_or_discard,
    image_attrs,
    limits,
    photos_dir,
    read_upload,
)
from webapp.summaries import photos
from webapp.summaries.models import Summary


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


def _page(summary: Summary, status: int, **kwargs: Any) -> ResponseReturnValue:
    return render_template(
        "photos/manage.html", summary=summary, panel=panel(summary, **kwargs)
    ), status


def _back(summary: Summary) -> ResponseReturnValue:
    return redirect(url_for("summaries.summary", summary_id=summary.id, _anchor="photos"))


@bp.get("/manage/summaries/<id:summary_id>/photos")
@requires(Permission.READ_SUMMARIES)
def manage(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    return _page(summary, 200)


@bp.post("/manage/summaries/<id:summary_id>/photos")
@requires(Permission.WRITE_SUMMARY)
def upload(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    form = PhotoUploadForm(prefix="upload")
    if not form.validate_on_submit():
        return _page(summary, 422, upload=form)
    try:
        with unit_of_work():
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
        _apply_errors(form, exc.fields)
        return _page(summary, 422, upload=form)
    except VersionConflict as exc:
        form.form_errors.append(exc.message)
        return _page(summary, 409, upload=form)
    commit_or_discard(written)
    flash(_("Photo added. Its caption and alt text are queued for translation."))
    return _back(summary)


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>/file")
@requires(Permission.WRITE_SUMMARY)
def attach(summary_id: int, photo_id: int) -> ResponseReturnValue:
    """Upload the file of a photo that is waiting for it; a refusal keeps the photo waiting."""
    summary = db.get_or_404(Summary, summary_id)
    _item_or_404(summary, photo_id)
    form = PhotoFileForm(prefix=f"file{photo_id}")
    if not form.validate_on_submit():
        return _page(summary, 422, failed_file=(photo_id, form))
    try:
        with unit_of_work():
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
        form.file.errors = [*form.file.errors, *exc.fields.values()]
        return _page(summary, 422, failed_file=(photo_id, form))
    except Refused as exc:
        flash(exc.message, "error")
        return _back(summary)
    commit_or_discard(written)
    flash(_("Photo file uploaded."))
    return _back(summary)


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>")
@requires(Permission.WRITE_SUMMARY)
def edit(summary_id: int, photo_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    _item_or_404(summary, photo_id)
    form = PhotoTextForm(prefix=f"photo{photo_id}")
    if form.validate_on_submit():
        try:
            with unit_of_work():
                photos.update_photo(
                    db.session,
                    summary,
                    photo_id,
                    parse(PhotoPatch, form.text_data()),
                    current_user,
                    expected_version=form.version.data,
                )
        except ValidationError as exc:
            _apply_errors(form, exc.fields)
        except VersionConflict as exc:
            form.form_errors.append(exc.message)
            return _page(summary, 409, failed=(photo_id, form))
        else:
            flash(_("Photo saved. A changed caption or alt text is translated again."))
            return _back(summary)
    return _page(summary, 422, failed=(photo_id, form))


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>/move")
@requires(Permission.WRITE_SUMMARY)
def move(summary_id: int, photo_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    item = _item_or_404(summary, photo_id)
    form = PhotoMoveForm()
    if form.validate_on_submit():
        step = -1 if form.direction.data == "up" else 1
        position = max(0, item.position + step)
        try:
            with unit_of_work():
                photos.update_photo(
                    db.session,
                    summary,
                    photo_id,
                    parse(PhotoPatch, {"position": position}),
                    current_user,
                    expected_version=form.version.data,
                )
        except (ValidationError, VersionConflict) as exc:
            flash(exc.message, "error")
        else:
            pass
    return _back(summary)


@bp.post("/manage/summaries/<id:summary_id>/photos/<id:photo_id>/delete")
@requires(Permission.WRITE_SUMMARY)
def delete(summary_id: int, photo_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    _item_or_404(summary, photo_id)
    if SimpleForm().validate_on_submit():
        with unit_of_work():
            names = photos.delete_photo(db.session, summary, photo_id, current_user)
        storage.remove_names(photos_dir(), names)
        flash(_("Photo removed."))
    return _back(summary)


def _item_or_404(summary: Summary, photo_id: int) -> photos.PhotoItem:
    try:
        return photos.get_item(db.session, summary, photo_id)
    except NotFound:
        abort(404)


def init_app(app: Flask) -> None:
    """The photo section that the summary page includes."""
    app.add_template_global(panel, "photo_panel")
