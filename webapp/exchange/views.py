"""XLIFF on the review page: download a translation, import a CAT tool's file back."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from webapp.core.errors import ValidationError
from webapp.core.permissions import Permission, require, requires
from webapp.core.transactions import unit_of_work
from webapp.exchange import services as exchange
from webapp.exchange import xliff
from webapp.exchange.forms import XliffImportForm
from webapp.extensions import db
from webapp.translation import workflow as translation
from webapp.translation.models import Translation

bp = Blueprint("exchange", __name__, url_prefix="/review", template_folder="templates")


def xliff_download(
    tr: Translation, version: str, user: object, *, fill_source: bool = False
) -> Response:
    """The file as a download (the page's and the API's)."""
    body = exchange.export_xliff(
        db.session,
        tr,
        user,  # type: ignore[arg-type]
        version,
        fill_source=fill_source,
    )
    name = exchange.filename(tr, version)
    return Response(
        body,
        mimetype=xliff.MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/translations/<id:translation_id>/xliff")
@requires(Permission.READ_SUMMARIES)
def export(translation_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    version = request.args.get("version", "2.1")
    return xliff_download(
        tr,
        version if version in xliff.VERSIONS else "2.1",
        current_user,
        fill_source=request.args.get("fill") == "source",
    )


def _page(tr: Translation, form: XliffImportForm, report=None, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("exchange/import.html", tr=tr, form=form, report=report), status


@bp.get("/translations/<id:translation_id>/xliff/import")
@requires(Permission.REVIEW)
def import_form(translation_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    require(current_user, Permission.REVIEW, tr.locale)
    return _page(tr, XliffImportForm())


@bp.post("/translations/<id:translation_id>/xliff/import")
@requires(Permission.REVIEW)
def import_file(translation_id: int) -> ResponseReturnValue:
    """Import; a refused file shows the form again with the reason beside the field."""
    tr = translation.get_translation(db.session, translation_id)
    require(current_user, Permission.REVIEW, tr.locale)
    form = XliffImportForm()
    if not form.validate_on_submit():
        return _page(tr, form, status=422)
    data = form.file.data.stream.read(exchange.MAX_BYTES + 1)
    try:
        with unit_of_work():
            report = exchange.import_xliff(
                db.session,
                tr,
                data,
                current_user,
                reason=form.reason.data,
                second_approver=current_app.config["REQUIRE_SECOND_APPROVER"],
            )
    except ValidationError as exc:
        form.file.errors = [exc.fields.get("file", exc.message)]
        return _page(tr, form, status=422)
    return _page(tr, XliffImportForm(formdata=None), report)
