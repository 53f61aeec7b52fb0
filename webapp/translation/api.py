"""Translations in the JSON API: the review queue, segments, approval."""

from __future__ import annotations

from types import EllipsisType

from flask import Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel

from webapp.accounts import services as users
from webapp.accounts.current import acting_user
from webapp.core.api import bp, if_match_version, json_body, operation
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.summaries.document import segment_label
from webapp.translation import assignment, fuzzy, history, quality, review, worklist, workspace
from webapp.translation import workflow as translation
from webapp.translation.models import Origin, SegmentChange, SegmentTranslation, Translation
from webapp.translation.schemas import (
    ApproveQuery,
    AssignmentIn,
    InsertedTermOut,
    MemoryMatchOut,
    QaFinding,
    RestoreIn,
    ReviewQueueOut,
    ReviewQueueQuery,
    SegmentChangeOut,
    SegmentHistoryOut,
    SegmentOut,
    SegmentSave,
    TranslationOut,
    TranslationQuery,
)


def segment_out(
    tr: Translation,
    st: SegmentTranslation,
    terms: tuple,
    matches: dict[int, list[fuzzy.Match]] | None,
    style: str | None | EllipsisType = ...,  # the translation's, from quality.dominant_style
) -> SegmentOut:
    """One segment as the API shows it; `matches` None leaves its memory matches out."""
    findings = quality.findings(tr, st, st.text, terms, style)
    return SegmentOut(
        id=st.id,
        key=st.key,
        label=segment_label(st.key),
        source=st.source_text,
        text=st.text,
        origin=str(st.origin) if st.origin else None,
        status=str(st.status),
        version=st.version,
        engine=st.engine,
        model_version=st.model_version,
        score=st.score,
        confidence=quality.confidence(st.score),
        inserted=[
            InsertedTermOut(**mark)
            for mark in (st.inserted_terms or [] if st.origin == Origin.MT else [])
        ],
        qa=[QaFinding(code=f.code, severity=str(f.severity), message=f.message) for f in findings],
        matches=[match_out(m) for m in matches.get(st.id, [])] if matches is not None else None,
    )


def _one_segment(tr: Translation, st: SegmentTranslation) -> SegmentOut:
    """A segment after a change, with its own memory matches."""
    matches = workspace.open_matches(db.session, tr, only=[st])
    return segment_out(tr, st, quality.terms(db.session, tr), matches)


def match_out(m: fuzzy.Match) -> MemoryMatchOut:
    return MemoryMatchOut(
        id=m.entry.id,
        source=m.entry.source_text,
        target=m.target,
        score=round(m.score, 4),
        replaced=list(m.replaced) if m.replaced else None,
        origin=m.entry.origin,
        origin_file=m.entry.origin_file,
        approved=m.entry.approved,
    )


def translation_out(
    tr: Translation, *, segments: bool = True, with_matches: bool = True
) -> TranslationOut:
    terms = quality.terms(db.session, tr) if segments else ()
    style = quality.dominant_style(tr) if segments else None
    matches = workspace.open_matches(db.session, tr) if segments and with_matches else None
    return TranslationOut(
        id=tr.id,
        summary_id=tr.summary_id,
        locale=tr.locale,
        source_locale=tr.summary.source_locale,
        status=str(tr.status),
        error=tr.error,
        error_code=tr.error_code,
        title=tr.summary.revision.title,
        assignee=tr.assignee.email if tr.assignee else None,
        needed_by=tr.needed_by,
        segments=[segment_out(tr, st, terms, matches, style) for st in tr.segments]
        if segments
        else None,
    )


def _json(model: BaseModel) -> Response:
    return jsonify(model.model_dump(mode="json", exclude_none=False))


@bp.get("/review-queue")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Translations waiting for review into your locales"),
    query=ReviewQueueQuery,
    responses={200: ReviewQueueOut},
)
def review_queue() -> ResponseReturnValue:
    query = parse(ReviewQueueQuery, request.args.to_dict())
    queue = worklist.translations_waiting(
        db.session, acting_user(), query.locale, query.state, query.whose
    )
    return _json(ReviewQueueOut(translations=[translation_out(t, segments=False) for t in queue]))


@bp.get("/translations/<id:translation_id>")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("A translation with all its segments"),
    query=TranslationQuery,
    responses={200: TranslationOut},
)
def get_translation(translation_id: int) -> ResponseReturnValue:
    query = parse(TranslationQuery, request.args.to_dict())
    tr = translation.get_translation(db.session, translation_id)
    return _json(translation_out(tr, with_matches=query.matches == "all"))


@bp.put("/translations/<id:translation_id>/segments/<id:segment_id>")
@requires(Permission.REVIEW)
@operation(
    _l("Save (and optionally approve) a translator's text for one segment"),
    body=SegmentSave,
    responses={200: SegmentOut},
    if_match="optional",
)
def put_segment(translation_id: int, segment_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    st = review.get_segment(tr, segment_id)
    save = json_body(SegmentSave)
    version = save.version if save.version is not None else if_match_version()
    with unit_of_work():
        review.save_segment(
            db.session,
            tr,
            st,
            save.text,
            approve=save.approve,
            second_approver=current_app.config["REQUIRE_SECOND_APPROVER"],
            user=acting_user(),
            expected_version=version,
            reason=save.reason,
        )
    return _json(_one_segment(tr, st))


@bp.post("/translations/<id:translation_id>/approve")
@requires(Permission.REVIEW)
@operation(
    _l(
        "Approve the whole translation (every segment must be approved; open questions "
        "need open_questions=confirmed)"
    ),
    query=ApproveQuery,
    responses={200: TranslationOut},
)
def approve_translation(translation_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    query = parse(ApproveQuery, request.args.to_dict())
    with unit_of_work():
        review.approve_translation(
            db.session,
            tr,
            acting_user(),
            open_questions_confirmed=query.open_questions == "confirmed",
        )
    return _json(translation_out(tr, segments=False))


@bp.patch("/translations/<id:translation_id>/assignment")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("Assign, claim or hand back a translation, or set when it is needed by"),
    body=AssignmentIn,
    responses={200: TranslationOut},
)
def change_assignment(translation_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    wanted = json_body(AssignmentIn)
    changes: dict = {}
    if "assignee" in wanted.model_fields_set:
        changes["assignee"] = (
            users.find_user(db.session, wanted.assignee) if wanted.assignee else None
        )
    if "needed_by" in wanted.model_fields_set:
        changes["needed_by"] = wanted.needed_by
    with unit_of_work():
        assignment.change(db.session, tr, acting_user(), **changes)
    return _json(translation_out(tr, segments=False))


def change_out(change: SegmentChange, emails: dict[int, str]) -> SegmentChangeOut:
    return SegmentChangeOut(
        id=change.id,
        kind=str(change.kind),
        version=change.version,
        text=change.text,
        status=str(change.status),
        origin=str(change.origin) if change.origin else None,
        engine=change.engine,
        model_version=change.model_version,
        source=change.source_text,
        actor=emails.get(change.actor_id) if change.actor_id else None,
        created_at=change.created_at,
        reason=change.reason,
        waived=change.waived.split(",") if change.waived else [],
    )


@bp.get("/translations/<id:translation_id>/segments/<id:segment_id>/history")
@requires(Permission.READ_SUMMARIES)
@operation(_l("Every change to one segment, newest first"), responses={200: SegmentHistoryOut})
def segment_history(translation_id: int, segment_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    st = review.get_segment(tr, segment_id)
    rows = history.changes(db.session, st)
    emails = users.emails_for(db.session, {c.actor_id for c in rows if c.actor_id})
    return _json(SegmentHistoryOut(changes=[change_out(c, emails) for c in rows]))


@bp.post("/translations/<id:translation_id>/segments/<id:segment_id>/restore")
@requires(Permission.REVIEW)
@operation(
    _l("Put an earlier text of a segment back, as a new draft change"),
    body=RestoreIn,
    responses={200: SegmentOut},
    if_match="optional",
)
def restore_segment(translation_id: int, segment_id: int) -> ResponseReturnValue:
    tr = translation.get_translation(db.session, translation_id)
    st = review.get_segment(tr, segment_id)
    wanted = json_body(RestoreIn)
    version = wanted.version if wanted.version is not None else if_match_version()
    with unit_of_work():
        review.restore(
            db.session, tr, st, wanted.history_id, user=acting_user(), expected_version=version
        )
    return _json(_one_segment(tr, st))
