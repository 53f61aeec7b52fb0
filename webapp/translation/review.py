"""A translator's work: edit and approve segments, approve a whole translation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import NotFound, NotReady, ValidationError
from webapp.core.permissions import Permission, require
from webapp.core.schemas import parse
from webapp.summaries.document import segment_label
from webapp.translation import edits, events, history, memory, quality, states
from webapp.translation import workflow as translation
from webapp.translation.models import (
    ChangeKind,
    Origin,
    SegmentStatus,
    SegmentTranslation,
    Translation,
    TranslationStatus,
)
from webapp.translation.schemas import SegmentSave


def get_segment(tr: Translation, segment_id: int) -> SegmentTranslation:
    st = next((s for s in tr.segments if s.id == segment_id), None)
    if st is None:
        raise NotFound(str(_l("No such segment in this translation.")))
    return st


def save_segment(
    session: DbSession,
    tr: Translation,
    st: SegmentTranslation,
    text: object,
    *,
    approve: bool,
    user: User,
    expected_version: int | None,
    second_approver: bool,
    kind: ChangeKind | None = None,
    reason: object = None,
) -> SegmentTranslation:
    """Store a translator's text; refuse a save based on an older version of the segment.

    Approving over quality warnings needs a short reason, kept in the segment's history. With
    `second_approver` (the desk's REQUIRE_SECOND_APPROVER), whoever last wrote the text may not
    approve it.
    """
    require(user, Permission.REVIEW, tr.locale)
    if isinstance(text, str) and not text.strip():
        raise ValidationError({"text": str(_l("A translation cannot be empty."))})
    if isinstance(reason, str) and not reason.strip():
        reason = None  # an empty box is no reason
    clean = parse(
        SegmentSave,
        {"text": text, "approve": approve, "version": expected_version, "reason": reason},
    )
    new_text = clean.text
    if expected_version is None:
        raise ValidationError({"version": str(_l("Send the segment version you edited."))})
    if expected_version != st.version:
        raise translation.segment_conflict(st)
    if second_approver:
        _check_four_eyes(st, user, approve=approve, changes_text=new_text != st.text)
    waived: list[str] = []
    if approve:
        waived = _check_quality(session, tr, st, new_text, clean.reason)
    before = {"text": st.text, "status": str(st.status), "version": st.version}
    if new_text != st.text:
        st.text, st.origin, st.edited_by_id = new_text, Origin.HUMAN, user.id
        st.engine = st.model_version = st.score = st.inserted_terms = None
    if approve:
        st.status, st.approved_by_id, st.approved_at = SegmentStatus.APPROVED, user.id, utcnow()
        _remember(session, tr, st, new_text, user)
        edits.record_approval(session, tr, st)  # how far the text moved from its machine draft
    else:
        st.status, st.approved_by_id, st.approved_at = SegmentStatus.DRAFT, None, None
    st.version += 1
    if tr.status == TranslationStatus.APPROVED:  # a change revokes the whole approval
        states.transition(session, tr, TranslationStatus.IN_REVIEW, actor_id=user.id)
    # e.g. failed -> in review once nothing is pending
    translation.refresh_status(session, tr, actor_id=user.id)
    kind = kind or (ChangeKind.APPROVE if approve else ChangeKind.SAVE)
    kept_reason = clean.reason if waived else None
    history.record(session, st, kind, user.id, reason=kept_reason, waived=waived)
    after = {"text": st.text, "status": str(st.status), "version": st.version}
    if waived:
        after |= {"waived": waived, "reason": kept_reason}
    audit.record(
        session,
        user,
        f"segment.{kind}",
        "segment",
        st.id,
        translation_id=tr.id,
        before=before,
        after=after,
    )
    return st


def restore(
    session: DbSession,
    tr: Translation,
    st: SegmentTranslation,
    change_id: int,
    *,
    user: User,
    expected_version: int | None,
) -> SegmentTranslation:
    """Put an earlier text back as a new draft change (nothing in the history is rewritten)."""
    require(user, Permission.REVIEW, tr.locale)
    change = history.get_change(session, st, change_id)
    return save_segment(
        session,
        tr,
        st,
        change.text,
        approve=False,
        user=user,
        expected_version=expected_version,
        second_approver=False,  # a restored text is a draft, never approved here
        kind=ChangeKind.RESTORE,
    )


def _check_quality(
    session: DbSession, tr: Translation, st: SegmentTranslation, text: str, reason: str | None
) -> list[str]:
    """An error blocks approval; warnings need the translator's reason. Returns the waived codes."""
    found = quality.findings(tr, st, text, quality.terms(session, tr))
    errors = [f.message for f in found if f.severity == "error"]
    if errors:
        raise ValidationError({"text": " ".join(errors)})
    warnings = [f for f in found if f.severity == "warning"]
    if warnings and not reason:
        raise ValidationError(
            {
                "reason": ngettext(
                    "This text has a quality warning: %(warnings)s To approve it anyway, "
                    "say in a few words why it is right.",
                    "This text has %(num)d quality warnings: %(warnings)s To approve it anyway, "
                    "say in a few words why it is right.",
                    len(warnings),
                    warnings=" ".join(f.message for f in warnings),
                )
            }
        )
    return [f.code for f in warnings]


def _check_four_eyes(
    st: SegmentTranslation, user: User, *, approve: bool, changes_text: bool
) -> None:
    """Whoever last wrote the text may not approve it."""
    if not approve:
        return
    if changes_text or st.edited_by_id == user.id:
        raise NotReady(
            str(_l("Another translator must approve text you wrote. Save it as a draft instead.")),
            [st.key],
        )


def _remember(
    session: DbSession, tr: Translation, st: SegmentTranslation, text: str, user: User
) -> None:
    """Approved pairs feed translation memory, with the neighbours that make a context match."""
    ordered = sorted(tr.segments, key=lambda s: s.position)
    context = memory.neighbours(ordered, ordered.index(st))
    memory.remember(
        session, tr.summary.source_locale, tr.locale, st, st.source_text, text, context, user
    )


def approve_translation(
    session: DbSession, tr: Translation, user: User, *, open_questions_confirmed: bool = False
) -> Translation:
    """Approve the whole text for the current revision; every segment must be approved.

    An open question on a segment may be one nobody has answered yet: approving over it takes
    `open_questions_confirmed`, so it is a decision and not an oversight.
    """
    require(user, Permission.REVIEW, tr.locale)
    waiting = [st.key for st in tr.segments if st.status != SegmentStatus.APPROVED]
    if waiting:
        raise NotReady(
            ngettext(
                "%(num)d segment still needs approval before the translation can be approved.",
                "%(num)d segments still need approval before the translation can be approved.",
                len(waiting),
            ),
            waiting,
        )
    asked = events.open_questions.ask(session, tr)
    if asked and not open_questions_confirmed:
        raise NotReady(
            ngettext(
                "%(num)d question on this translation is still open: %(questions)s. "
                "Answer or resolve it, or confirm that you approve although it is open.",
                "%(num)d questions on this translation are still open: %(questions)s. "
                "Answer or resolve them, or confirm that you approve although they are open.",
                len(asked),
                questions="; ".join(describe_question(q) for q in asked),
            ),
            [describe_question(q) for q in asked],
        )
    tr.approved_revision_id = tr.revision_id
    tr.approved_by_id, tr.approved_at = user.id, utcnow()
    states.transition(session, tr, TranslationStatus.APPROVED, actor_id=user.id)
    audit.record(
        session,
        user,
        "translation.approve",
        "translation",
        tr.id,
        **({"open_questions": [q.id for q in asked]} if asked else {}),
    )
    session.flush()
    return tr


def describe_question(q: events.OpenQuestion) -> str:
    """ "Paragraph 1, sentence 1: Is 'Secretary of War' the official title now?" (shortened)."""
    body = q.body if len(q.body) <= 80 else q.body[:79] + "…"
    place = segment_label(q.segment_key) if q.segment_key else str(_l("a removed sentence"))
    return f"{place}: {body}"
