"""The glossary in the JSON API: list, add, replace, delete; CSV and TBX export and import."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.accounts.current import acting_user
from webapp.core.api import bp, json_body, operation
from webapp.core.errors import BadRequest
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.glossary import services as glossary
from webapp.glossary import tbx
from webapp.glossary.models import GlossaryTerm
from webapp.glossary.schemas import ImportCounts, TermIn, TermList, TermOut, TermQuery
from webapp.glossary.views import glossary_file


def term_out(term: GlossaryTerm) -> TermOut:
    return TermOut.model_validate(term)


@bp.get("/glossary")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Glossary terms, filtered by language pair or text"),
    query=TermQuery,
    responses={200: TermList},
)
def list_terms() -> ResponseReturnValue:
    query = parse(TermQuery, request.args.to_dict())
    terms = glossary.list_terms(db.session, query.source_locale, query.target_locale, query.q)
    return jsonify(TermList(terms=[term_out(t) for t in terms]).model_dump(mode="json"))


@bp.post("/glossary")
@requires(Permission.MANAGE_GLOSSARY)
@operation(_l("Add a glossary term"), body=TermIn, responses={201: TermOut})
def create_term() -> ResponseReturnValue:
    with unit_of_work():
        term = glossary.save_term(db.session, json_body(TermIn), acting_user())
    return jsonify(term_out(term).model_dump(mode="json")), 201


@bp.put("/glossary/<id:term_id>")
@requires(Permission.MANAGE_GLOSSARY)
@operation(_l("Replace a glossary term"), body=TermIn, responses={200: TermOut})
def replace_term(term_id: int) -> ResponseReturnValue:
    term = glossary.get_term(db.session, term_id)
    with unit_of_work():
        glossary.save_term(db.session, json_body(TermIn), acting_user(), term)
    return jsonify(term_out(term).model_dump(mode="json"))


@bp.delete("/glossary/<id:term_id>")
@requires(Permission.MANAGE_GLOSSARY)
@operation(_l("Delete a glossary term"), responses={204: None})
def delete_term(term_id: int) -> ResponseReturnValue:
    with unit_of_work():
        glossary.delete_term(db.session, glossary.get_term(db.session, term_id), acting_user())
    return "", 204


@bp.get("/glossary.csv")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Every glossary term as CSV (UTF-8 with a header row; the import reads the same)"),
    responses={200: None},
    file_type="text/csv",
)
def export_csv() -> ResponseReturnValue:
    """Every term as CSV."""
    return glossary_file("csv")


@bp.post("/glossary.csv")
@requires(Permission.MANAGE_GLOSSARY)
@operation(
    _l("Add or update glossary terms from a CSV body (UTF-8, header row as in the export)"),
    responses={200: ImportCounts},
    body_type="text/csv",
)
def import_csv() -> ResponseReturnValue:
    """Add or update terms from a CSV body (UTF-8, header row as in the export)."""
    try:
        text = request.get_data().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest(str(_l("The CSV must be UTF-8 encoded."))) from None
    with unit_of_work():
        added, updated = glossary.import_csv(db.session, text, acting_user())
    return jsonify(ImportCounts(added=added, updated=updated).model_dump(mode="json"))


@bp.get("/glossary.tbx")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Every glossary term as TBX-Basic (ISO 30042), for CAT tools"),
    responses={200: None},
    file_type=tbx.MIMETYPE,
)
def export_tbx() -> ResponseReturnValue:
    """Every term as TBX-Basic (the mapping is in `webapp.glossary.tbx`)."""
    return glossary_file("tbx")


@bp.post("/glossary.tbx")
@requires(Permission.MANAGE_GLOSSARY)
@operation(
    _l("Add or update glossary terms from a TBX body, all or nothing (422 names each bad entry)"),
    responses={200: ImportCounts},
    body_type=tbx.MIMETYPE,
)
def import_tbx() -> ResponseReturnValue:
    """Add or update terms from a TBX body, all or nothing; 422 names each bad entry."""
    data = request.get_data()
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None and limit and len(data) >= limit:
        raise RequestEntityTooLarge()  # a chunked body cut off at the limit, not malformed XML
    with unit_of_work():
        added, updated = glossary.import_tbx(db.session, data, acting_user())
    return jsonify(ImportCounts(added=added, updated=updated).model_dump(mode="json"))
