"""The staff memory page (/memory): search, see an entry's origin and use, edit, delete, import,
export.

An upload from the page is imported inside the request, in one transaction: uploads are capped
by MAX_CONTENT_LENGTH (2 MB by default, some thousands of units, a few seconds), and one
transaction is what makes a bad file refused whole. Memories of hundreds of thousands of units go
through `flask memory import`, which prints its progress as it goes.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.errors import ValidationError
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, allowed, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.memory import importing, tmx
from webapp.memory import services as memory
from webapp.memory.forms import EntryForm, ImportForm, SearchForm

bp = Blueprint("memory", __name__, url_prefix="/memory", template_folder="templates")

ID_MAX = 2**31 - 1


def _filters(form: SearchForm) -> memory.Filters:
    pair = tuple(form.pair.data.split("-", 1)) if form.pair.data else None
    return memory.Filters(
        q=form.q.data or None,
        pair=pair,
        origin=form.origin.data or None,
        approved_by=form.approved_by.data or None,
        since=form.since.data,
        until=form.until.data,
    )


def _index(import_form: ImportForm | None = None, status: int = 200) -> ResponseReturnValue:
    form = SearchForm(request.args)
    rows: list[memory.Row] = []
    older = None
    if request.args and not form.validate():
        status = 422
        for day in (form.since, form.until):
            if day.errors:
                day.raw_data = None  # a date box can hold only a date: it shows empty
    else:
        before = request.args.get("before", "")
        before_id = int(before) if before.isdigit() and 0 < int(before) <= ID_MAX else None
        rows, older = memory.search(db.session, _filters(form), before_id=before_id)
    query = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template(
        "memory/index.html",
        form=form,
        rows=rows,
        older=older,
        query=query,
        import_form=import_form or ImportForm(),
        can_manage=allowed(current_user, Permission.MANAGE_MEMORY),
    ), status


@bp.get("/")
@requires(Permission.READ_SUMMARIES)
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/import")
@requires(Permission.MANAGE_MEMORY)
def import_file() -> ResponseReturnValue:
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    upload = form.file.data
    try:
        with unit_of_work():
            report = importing.import_file(
                db.session,
                upload.stream,
                upload.filename or "upload.tmx",
                user=current_user,
                approved=form.approved.data,
                pair=form.pair.data or None,
            )
    except ValidationError as exc:
        for name, message in exc.fields.items():
            field = form.pair if name == "pair" else form.file
            field.errors = [*field.errors, message]
        return _index(form, 422)
    flash(
        _(
            "%(units)d units read: %(imported)d imported, %(duplicates)d duplicates, "
            "%(language)d skipped for a language this desk does not have, %(incomplete)d "
            "skipped with a side missing, %(invalid)d skipped with unusable text.",
            units=report.units,
            imported=report.imported,
            duplicates=report.duplicates,
            language=report.skipped_language,
            incomplete=report.skipped_incomplete,
            invalid=report.skipped_invalid,
        )
    )
    return redirect(url_for("memory.index"))


def tmx_download(pair_value: str | None) -> Response:
    """The memory (or one pair) as a streamed TMX download: the page's export and the API's.

    The body is written as the client reads it, in an app context (and database session) of its
    own that ends with the body, so that a download that is never read holds nothing open.
    """
    pair = importing.parse_pair(pair_value)
    name = f"memory-{pair[0]}-{pair[1]}.tmx" if pair else "memory.tmx"
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def body() -> Iterator[bytes]:
        with app.app_context():
            for piece in memory.export_tmx(db.session, pair):
                yield piece.encode("utf-8")

    return Response(
        body(),
        mimetype=tmx.MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.get("/export.tmx")
@requires(Permission.MANAGE_MEMORY)
def export_tmx() -> ResponseReturnValue:
    try:
        return tmx_download(request.args.get("pair") or None)
    except ValidationError:
        abort(404)


def _entry_page(
    entry_id: int, form: EntryForm | None = None, status: int = 200
) -> ResponseReturnValue:
    entry = memory.get_entry(db.session, entry_id)
    row = memory.describe(db.session, entry)
    return render_template(
        "memory/entry.html",
        row=row,
        form=form or EntryForm(obj=None, target=entry.target_text, approved=entry.approved),
        delete_form=SimpleForm(),
        can_manage=allowed(current_user, Permission.MANAGE_MEMORY),
    ), status


@bp.get("/<id:entry_id>")
@requires(Permission.READ_SUMMARIES)
def entry(entry_id: int) -> ResponseReturnValue:
    return _entry_page(entry_id)


@bp.post("/<id:entry_id>")
@requires(Permission.MANAGE_MEMORY)
def save(entry_id: int) -> ResponseReturnValue:
    form = EntryForm()
    if not form.validate_on_submit():
        return _entry_page(entry_id, form, 422)
    try:
        with unit_of_work():
            memory.edit_entry(
                db.session,
                memory.get_entry(db.session, entry_id),
                target=form.target.data,
                approved=form.approved.data,
                user=current_user,
            )
    except ValidationError as exc:
        form.target.errors = [*form.target.errors, *exc.fields.values()]
        return _entry_page(entry_id, form, 422)
    flash(_("Memory entry saved."))
    return redirect(url_for("memory.entry", entry_id=entry_id))


@bp.post("/<id:entry_id>/delete")
@requires(Permission.MANAGE_MEMORY)
def delete(entry_id: int) -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        with unit_of_work():
            memory.delete_entry(db.session, memory.get_entry(db.session, entry_id), current_user)
        flash(_("Memory entry deleted. Segments that used it keep their text."))
    return redirect(url_for("memory.index"))
