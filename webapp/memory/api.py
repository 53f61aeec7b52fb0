"""Translation memory in the JSON API: search, read, edit, delete; TMX/CSV import, TMX export."""

from __future__ import annotations

import io

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.accounts.current import acting_user
from webapp.core.api import bp, json_body, operation
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.memory import importing
from webapp.memory import services as memory
from webapp.memory.schemas import (
    DeletedCount,
    EntryList,
    EntryOut,
    EntryPatch,
    ImportQuery,
    ImportReport,
    MemoryQuery,
)
from webapp.memory.views import tmx_download


def entry_out(row: memory.Row) -> EntryOut:
    e = row.entry
    return EntryOut(
        id=e.id,
        source_locale=e.source_locale,
        target_locale=e.target_locale,
        source=e.source_text,
        target=e.target_text,
        origin=e.origin,
        origin_file=e.origin_file,
        imported_by=e.imported_by,
        approved=e.approved,
        approved_by=row.approved_by,
        created_by=row.created_by,
        updated_by=row.updated_by,
        created_at=e.created_at,
        updated_at=e.updated_at,
        use_count=e.use_count,
        last_used_at=e.last_used_at,
    )


@bp.get("/memory")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Search translation memory (newest first, a page at a time)"),
    query=MemoryQuery,
    responses={200: EntryList},
)
def search_memory() -> ResponseReturnValue:
    query = parse(MemoryQuery, request.args.to_dict())
    filters = _filters(query)
    rows, older = memory.search(db.session, filters, before_id=query.before, limit=query.limit)
    out = EntryList(entries=[entry_out(r) for r in rows], next_before=older)
    return jsonify(out.model_dump(mode="json"))


def _filters(query: MemoryQuery) -> memory.Filters:
    return memory.Filters(
        q=query.q,
        pair=importing.parse_pair(query.pair),
        origin=query.origin,
        origin_file=query.origin_file,
        approved_by=query.approved_by,
        since=query.since,
        until=query.until,
    )


@bp.delete("/memory")
@requires(Permission.MANAGE_MEMORY)
@operation(
    _l("Delete every entry the filters find (at least one filter), e.g. one imported file"),
    query=MemoryQuery,
    responses={200: DeletedCount},
)
def delete_memory_entries() -> ResponseReturnValue:
    filters = _filters(parse(MemoryQuery, request.args.to_dict()))
    with unit_of_work():
        count = memory.delete_matching(db.session, filters, acting_user())
    return jsonify(DeletedCount(deleted=count).model_dump(mode="json"))


@bp.get("/memory/<id:entry_id>")
@requires(Permission.READ_SUMMARIES)
@operation(_l("One translation memory entry, with its origin and use"), responses={200: EntryOut})
def get_memory_entry(entry_id: int) -> ResponseReturnValue:
    row = memory.describe(db.session, memory.get_entry(db.session, entry_id))
    return jsonify(entry_out(row).model_dump(mode="json"))


@bp.patch("/memory/<id:entry_id>")
@requires(Permission.MANAGE_MEMORY)
@operation(
    _l("Correct a memory entry's translation, or approve it"),
    body=EntryPatch,
    responses={200: EntryOut},
)
def edit_memory_entry(entry_id: int) -> ResponseReturnValue:
    entry = memory.get_entry(db.session, entry_id)
    patch = json_body(EntryPatch)
    user = acting_user()
    with unit_of_work():
        memory.edit_entry(
            db.session, entry, target=patch.target, approved=patch.approved, user=user
        )
    row = memory.describe(db.session, memory.get_entry(db.session, entry_id))
    return jsonify(entry_out(row).model_dump(mode="json"))


@bp.delete("/memory/<id:entry_id>")
@requires(Permission.MANAGE_MEMORY)
@operation(_l("Delete a memory entry (segments keep their text)"), responses={204: None})
def delete_memory_entry(entry_id: int) -> ResponseReturnValue:
    entry = memory.get_entry(db.session, entry_id)
    with unit_of_work():
        memory.delete_entry(db.session, entry, acting_user())
    return "", 204


@bp.post("/memory/import")
@requires(Permission.MANAGE_MEMORY)
@operation(
    _l("Import a TMX 1.4b file, or an aligned CSV/TSV one (by the file name), all or nothing"),
    query=ImportQuery,
    responses={200: ImportReport},
    body_type="application/octet-stream",
)
def import_memory() -> ResponseReturnValue:
    query = parse(ImportQuery, request.args.to_dict())
    data = request.get_data()
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None and limit and len(data) >= limit:
        raise RequestEntityTooLarge()
    user = acting_user()
    with unit_of_work():
        report = importing.import_file(
            db.session,
            io.BytesIO(data),
            query.filename,
            user=user,
            approved=query.approved,
            pair=query.pair,
        )
    return jsonify(ImportReport(**report.as_dict()).model_dump(mode="json"))


@bp.get("/memory.tmx")
@requires(Permission.MANAGE_MEMORY)
def export_memory() -> ResponseReturnValue:
    """The memory, or one pair (`?pair=en-ja`), as TMX 1.4b (a file, not JSON)."""
    return tmx_download(request.args.get("pair") or None)
