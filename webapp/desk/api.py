"""Summaries in the JSON API: create, read, change (If-Match)."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from webapp.accounts import services as users
from webapp.accounts.current import acting_user
from webapp.core.api import (
    bp,
    if_match_version,
    json_body,
    json_object,
    operation,
    required_if_match,
)
from webapp.core.errors import BadRequest
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.desk import listing
from webapp.desk.schemas import SummaryListOut, SummaryListQuery, summary_list_out, summary_out
from webapp.extensions import db
from webapp.publishing.schemas import ScheduledSummaryOut
from webapp.summaries import history, idempotency
from webapp.summaries import services as summaries
from webapp.summaries.models import Revision, Summary
from webapp.summaries.schemas import (
    RestoreIn,
    RevisionListOut,
    RevisionOut,
    SlugIn,
    SummaryCreate,
    SummaryPatch,
)


def _answer(
    summary: Summary, status: int = 200, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    out = summary_out(db.session, summary).model_dump(mode="json")
    return jsonify(out), status, {"ETag": f'"{summary.version}"', **(headers or {})}


@bp.get("/summaries")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l(
        "List summaries, most recently changed first, with the desk's filters and a state per "
        "language; page with `cursor` (the last answer's `next_cursor`)"
    ),
    query=SummaryListQuery,
    responses={200: SummaryListOut},
)
def list_summaries() -> ResponseReturnValue:
    query = parse(SummaryListQuery, request.args.to_dict())
    filters = listing.Filters(
        q=(query.q or "").strip(),
        state=query.state or "",
        locale=query.locale or "",
        country=query.country or "",
        since=query.since,
        until=query.until,
    )
    found = listing.desk_after(db.session, filters, query.cursor, query.limit)
    return jsonify(summary_list_out(found).model_dump(mode="json"))


@bp.post("/summaries")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l(
        "Write a new summary; its translations are queued (send Idempotency-Key to make a "
        "retry safe: a repeat within 24 hours answers 200 with the same summary)"
    ),
    body=SummaryCreate,
    responses={201: ScheduledSummaryOut, 200: ScheduledSummaryOut},
)
def create_summary() -> ResponseReturnValue:
    """With an Idempotency-Key header, a repeat (same key, same body, within a day) answers 200
    with the summary the first request created and `Idempotent-Replayed: true`."""
    raw_key = request.headers.get(idempotency.HEADER)
    if raw_key is None:
        with unit_of_work():
            summary = summaries.create_summary(db.session, json_body(SummaryCreate), acting_user())
        return _answer(summary, 201)
    if not idempotency.valid_key(raw_key):
        raise BadRequest(
            str(_l("Idempotency-Key must be 1 to 255 visible ASCII characters.")),
            {idempotency.HEADER: raw_key[:100]},
        )
    key, body_hash = f"api:{raw_key}", idempotency.fingerprint(json_object())
    author = acting_user()
    for _attempt in range(2):
        if done := idempotency.created_with(db.session, author, key, body_hash):
            return _replayed(done)
        try:
            with unit_of_work():
                summary = summaries.create_summary(db.session, json_body(SummaryCreate), author)
                idempotency.remember(db.session, author, key, summary, body_hash)
        except IntegrityError:
            continue  # the same key's first request committed meanwhile: answer with its summary
        return _answer(summary, 201)
    raise BadRequest(str(_l("The request could not be completed; send it again.")))


def _replayed(summary: Summary) -> ResponseReturnValue:
    return _answer(summary, 200, {"Idempotent-Replayed": "true"})


@bp.post("/summaries/<id:summary_id>/slug")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l("Change the address (once published: administrators only; the old one redirects)"),
    body=SlugIn,
    responses={200: ScheduledSummaryOut},
)
def change_slug(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    wanted = json_body(SlugIn)
    with unit_of_work():
        summaries.change_slug(db.session, summary, wanted, acting_user())
    return _answer(summary)


@bp.delete("/summaries/<id:summary_id>")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l("Delete a summary that was never published (409 if it ever was)"), responses={204: None}
)
def delete_summary(summary_id: int) -> ResponseReturnValue:
    with unit_of_work():
        summaries.delete_summary(
            db.session, summaries.get_summary(db.session, summary_id), acting_user()
        )
    return "", 204


@bp.get("/summaries/<id:summary_id>")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Read a summary with its version, translations and published locales"),
    responses={200: ScheduledSummaryOut},
)
def get_summary(summary_id: int) -> ResponseReturnValue:
    return _answer(summaries.get_summary(db.session, summary_id))


@bp.patch("/summaries/<id:summary_id>")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l("Change some fields of a summary (send If-Match: VERSION)"),
    body=SummaryPatch,
    responses={200: ScheduledSummaryOut},
    if_match="required",
)
def patch_summary(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    expected = required_if_match()
    with unit_of_work():
        summaries.update_summary(
            db.session, summary, json_body(SummaryPatch), expected, acting_user()
        )
    return _answer(summary)


def revision_out(revision: Revision, emails: dict[int, str]) -> RevisionOut:
    return RevisionOut.model_validate(
        {
            "number": revision.number,
            "created_at": revision.created_at.isoformat(),
            "created_by": emails.get(revision.created_by_id or 0),
            **summaries.revision_fields(revision),
        }
    )


@bp.get("/summaries/<id:summary_id>/revisions")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Every saved version of the source text, newest first"), responses={200: RevisionListOut}
)
def list_revisions(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    revisions = history.list_revisions(db.session, summary)
    emails = users.emails_for(db.session, {r.created_by_id for r in revisions if r.created_by_id})
    out = RevisionListOut(revisions=[revision_out(r, emails) for r in revisions])
    return jsonify(out.model_dump(mode="json"))


@bp.post("/summaries/<id:summary_id>/revisions/<id:number>/restore")
@requires(Permission.WRITE_SUMMARY)
@operation(
    _l("Write an earlier version's text as a new version (send the current version)"),
    body=RestoreIn,
    responses={200: ScheduledSummaryOut},
    if_match="optional",
)
def restore_revision(summary_id: int, number: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    wanted = json_body(RestoreIn)
    version = wanted.version if wanted.version is not None else if_match_version()
    if version is None:
        version = required_if_match()
    with unit_of_work():
        history.restore(db.session, summary, number, version, acting_user())
    return _answer(summary)
