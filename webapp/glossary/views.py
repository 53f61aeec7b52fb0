"""The staff glossary page: list, add, delete, and CSV and TBX import and export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.errors import ValidationError
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.glossary import services as glossary
from webapp.glossary import tbx
from webapp.glossary.forms import ImportForm, TbxImportForm, TermForm
from webapp.glossary.schemas import TermIn

bp = Blueprint("glossary", __name__, url_prefix="/glossary", template_folder="templates")


def _page(
    form: TermForm | None = None,
    status: int = 200,
    tbx_form: TbxImportForm | None = None,
    tbx_errors: dict[str, str] | None = None,
) -> ResponseReturnValue:
    q = (request.args.get("q") or "")[:300]
    q = q if q.isprintable() else ""
    terms = glossary.list_terms(db.session, q=q or None)
    return render_template(
        "glossary/index.html",
        terms=terms,
        q=q,
        form=form or TermForm(),
        import_form=ImportForm(),
        tbx_form=tbx_form or TbxImportForm(),
        tbx_errors=tbx_errors or {},
        delete_form=SimpleForm(),
    ), status


@bp.get("/")
@requires(Permission.READ_SUMMARIES)
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/")
@requires(Permission.MANAGE_GLOSSARY)
def add() -> ResponseReturnValue:
    form = TermForm()
    if form.validate_on_submit():
        source_locale, _sep, target_locale = form.pair.data.partition("-")
        data = {
            "source_locale": source_locale,
            "target_locale": target_locale,
            "source": form.source.data,
            "target": form.target.data,
            "note": form.note.data or "",
            "case_sensitive": form.case_sensitive.data,
            "do_not_translate": form.do_not_translate.data,
            "forbidden": [f.strip() for f in (form.forbidden.data or "").split("|") if f.strip()],
        }
        try:
            with unit_of_work():
                glossary.save_term(db.session, parse(TermIn, data), current_user)
        except ValidationError as exc:
            for name, message in exc.fields.items():
                field = getattr(form, name.split(".")[0], None) or form.source
                field.errors = [*field.errors, message]
        else:
            flash(_("Added to the glossary."))
            return redirect(url_for("glossary.index"))
    return _page(form, 422)


@bp.post("/<id:term_id>/delete")
@requires(Permission.MANAGE_GLOSSARY)
def delete(term_id: int) -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        with unit_of_work():
            glossary.delete_term(db.session, glossary.get_term(db.session, term_id), current_user)
        flash(_("Removed from the glossary."))
    return redirect(url_for("glossary.index"))


def glossary_file(kind: str) -> Response:
    """The whole glossary as a download, `csv` or `tbx`: the page's export and the API's."""
    body: str | bytes
    if kind == "tbx":
        body, mimetype = glossary.export_tbx(db.session), tbx.MIMETYPE
    else:
        body, mimetype = glossary.export_csv(db.session), "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=glossary.{kind}"},
    )


@bp.get("/export.csv")
@requires(Permission.READ_SUMMARIES)
def export_csv() -> ResponseReturnValue:
    return glossary_file("csv")


@bp.post("/import")
@requires(Permission.MANAGE_GLOSSARY)
def import_csv() -> ResponseReturnValue:
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a CSV file to import."), "error")
        return redirect(url_for("glossary.index"))
    try:
        with unit_of_work():
            text = form.file.data.read(2_000_000).decode("utf-8-sig")
            added, updated = glossary.import_csv(db.session, text, current_user)
    except UnicodeDecodeError:
        flash(_("The CSV must be UTF-8 encoded."), "error")
    except ValidationError as exc:
        flash("; ".join(f"{k}: {v}" for k, v in list(exc.fields.items())[:5]), "error")
    else:
        flash(_("Imported: %(added)d added, %(updated)d updated.", added=added, updated=updated))
    return redirect(url_for("glossary.index"))


@bp.get("/export.tbx")
@requires(Permission.READ_SUMMARIES)
def export_tbx() -> ResponseReturnValue:
    return glossary_file("tbx")


@bp.post("/import.tbx")
@requires(Permission.MANAGE_GLOSSARY)
def import_tbx() -> ResponseReturnValue:
    """Import a TBX file; a refused file shows the page again with every bad entry listed."""
    form = TbxImportForm()
    if not form.validate_on_submit():
        return _page(status=422, tbx_form=form)
    try:
        with unit_of_work():
            added, updated = glossary.import_tbx(db.session, form.file.data.read(), current_user)
    except ValidationError as exc:
        return _page(status=422, tbx_form=form, tbx_errors=exc.fields)
    flash(_("Imported: %(added)d added, %(updated)d updated.", added=added, updated=updated))
    return redirect(url_for("glossary.index"))
