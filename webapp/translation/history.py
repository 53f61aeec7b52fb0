"""Segment history: every change kept as an append-only row, shown to translators and restorable."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.core.errors import NotFound
from webapp.qa.registry import CHECKS
from webapp.translation.models import (
    ChangeKind,
    Segment,
    SegmentChange,
    SegmentStatus,
    SegmentTranslation,
    Translation,
)


def record(
    session: DbSession,
    st: SegmentTranslation,
    kind: ChangeKind,
    actor_id: int | None,
    *,
    reason: str | None = None,
    waived: Sequence[str] = (),
) -> SegmentChange:
    """Append the segment's state as it is now (call after changing it).

    An approval over quality warnings keeps the translator's reason and the checks it overrode.
    """
    change = SegmentChange(
        segment_translation_id=st.id,
        kind=kind,
        version=st.version,
        text=st.text,
        status=st.status,
        origin=st.origin,
        engine=st.engine,
        model_version=st.model_version,
        source_hash=st.source_hash,
        source_text=st.source_text,
        actor_id=actor_id,
        reason=reason,
        waived=",".join(waived) or None,
    )
    session.add(change)
    return change


def waived_names(codes: str | None) -> str:
    """The overridden checks of an approval, by their names in the reader's language."""
    found = [CHECKS.get(code) for code in (codes or "").split(",") if code]
    return ", ".join(str(check.name) for check in found if check is not None)


def changes(session: DbSession, st: SegmentTranslation) -> list[SegmentChange]:
    """The segment's changes, newest first."""
    return list(
        session.scalars(
            select(SegmentChange)
            .where(SegmentChange.segment_translation_id == st.id)
            .order_by(SegmentChange.id.desc())
        )
    )


def previous_approvals(session: DbSession, tr: Translation) -> dict[int, SegmentChange]:
    """For each segment whose source changed since it was approved: the last approved change.

    It carries the old source (for the diff) and the old translation (to start from).
    """
    open_ids = {st.id: st.source_hash for st in tr.segments if st.status != SegmentStatus.APPROVED}
    if not open_ids:
        return {}
    rows = session.scalars(
        select(SegmentChange)
        .where(
            SegmentChange.segment_translation_id.in_(open_ids),
            SegmentChange.status == SegmentStatus.APPROVED,
        )
        .order_by(SegmentChange.id)
    )
    found: dict[int, SegmentChange] = {}
    for change in rows:
        if change.source_hash != open_ids[change.segment_translation_id]:
            found[change.segment_translation_id] = change  # the newest wins
    return found


def _position(st: SegmentTranslation) -> int:
    return st.position


def as_last_approved(session: DbSession, tr: Translation) -> bool:
    """Whether every segment holds, approved, the very text and source it held when the whole
    translation was last approved (a liaison restored the summary's approved version).

    Each segment's state then is its last change up to that approval; a segment made since has
    none, so anything new or different needs a translator's approval again.
    """
    if tr.approved_at is None or not tr.segments:
        return False
    if any(st.status != SegmentStatus.APPROVED for st in tr.segments):
        return False
    # The same sentences in the same order: swapped paragraphs keep every sentence's
    # translation, but the whole reads differently and a translator approves it again.
    approved_order = session.scalars(
        select(Segment.source_hash)
        .where(Segment.revision_id == tr.approved_revision_id)
        .order_by(Segment.position)
    ).all()
    if list(approved_order) != [st.source_hash for st in sorted(tr.segments, key=_position)]:
        return False
    then: dict[int, SegmentChange] = {}
    for change in session.scalars(
        select(SegmentChange)
        .where(
            SegmentChange.segment_translation_id.in_([st.id for st in tr.segments]),
            SegmentChange.created_at <= tr.approved_at,
        )
        .order_by(SegmentChange.id)
    ):
        then[change.segment_translation_id] = change  # the newest up to the approval wins
    return all(
        (c := then.get(st.id)) is not None
        and c.status == SegmentStatus.APPROVED
        and c.source_hash == st.source_hash
        and c.text == st.text
        for st in tr.segments
    )


def get_change(session: DbSession, st: SegmentTranslation, change_id: int) -> SegmentChange:
    """One earlier text of this segment (404 for another segment's change or an empty one)."""
    change = session.get(SegmentChange, change_id)
    if change is None or change.segment_translation_id != st.id or change.text is None:
        raise NotFound(str(_l("No such earlier text for this segment.")))
    return change
