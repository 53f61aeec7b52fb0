"""XLIFF in the JSON API: download a translation, import a file back (multipart)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.core.api import bp, operation
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.exchange import services as exchange
from webapp.exchange.schemas import XliffQuery, XliffReportOut, XliffUpload, report_out
from webapp.exchange.views import xliff_download
from webapp.extensions import db
from webapp.translation import workflow as translation


@bp.get("/translations/<id:translation_id>/xliff")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("The translation as an XLIFF 2.1 or 1.2 file (application/xliff+xml, a download)"),
    query=XliffQuery,
    responses={200: None},
    file_type="application/xliff+xml",
)
def export_xliff(translation_id: int) -> ResponseReturnValue:
    query = parse(XliffQuery, request.args.to_dict())
    tr = translation.get_translation(db.session, translation_id)
    return xliff_download(tr, query.version, acting_user(), fill_source=query.fill == "source")


@bp.post("/translations/<id:translation_id>/xliff")
@requires(Permission.REVIEW)
@operation(
    _l(
        "Import an XLIFF file exported from this translation (multipart/form-data: file, "
        "reason); a report per unit, or 422 refusing the whole file"
    ),
    body=XliffUpload,
    body_type="multipart/form-data",
    responses={200: XliffReportOut},
)
def import_xliff(translation_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    upload = request.files.get("file")
    data = upload.stream.read(exchange.MAX_BYTES + 1) if upload is not None else b""
    reason = request.form.get("reason")
    with unit_of_work():
        report = exchange.import_xliff(
            db.session,
            tr,
            data,
            acting_user(),
            reason=reason[:500] if reason else None,
            second_approver=current_app.config["REQUIRE_SECOND_APPROVER"],
        )
    return jsonify(report_out(report).model_dump(mode="json"))
