"""The engine's measure: how much translators change machine drafts before approving them.

When a segment is approved, its text is compared with the machine draft it began as: the newest
machine draft in its history, unless translation memory or a source change replaced the text since
(a person's saves, approvals and restores keep the lineage). The measure is the character edit
distance (Levenshtein, via rapidfuzz), normalised by the longer text's length: 0 is approved
unchanged, 1 is rewritten entirely. Segments a person wrote from scratch have no machine draft and
record nothing. Each machine draft has one row; approving it again (say after a further edit)
replaces the row, so the latest approval counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from sqlalchemy import case, func, select

from webapp.core.db import DbSession
from webapp.translation.models import (
    ChangeKind,
    DraftEdit,
    Origin,
    SegmentChange,
    SegmentTranslation,
    Translation,
)

# Changes that put text on a segment without a person: the newest one is where its text began.
STARTS = (ChangeKind.MACHINE, ChangeKind.MEMORY, ChangeKind.SOURCE_CHANGED)


def machine_draft(session: DbSession, st: SegmentTranslation) -> SegmentChange | None:
    """The machine draft the segment's current text began as, if it began as one."""
    start = session.scalar(
        select(SegmentChange)
        .where(SegmentChange.segment_translation_id == st.id, SegmentChange.kind.in_(STARTS))
        .order_by(SegmentChange.id.desc())
        .limit(1)
    )
    if (
        start is None
        or start.kind != ChangeKind.MACHINE
        or start.origin != Origin.MT
        or start.text is None
        or start.source_hash != st.source_hash
    ):
        return None
    return start


def record_approval(session: DbSession, tr: Translation, st: SegmentTranslation) -> None:
    """Measure an approved segment against its machine draft (call once it is approved)."""
    draft = machine_draft(session, st)
    if draft is None or draft.text is None or st.text is None or st.approved_at is None:
        return
    row = session.scalar(select(DraftEdit).where(DraftEdit.draft_change_id == draft.id))
    if row is None:
        row = DraftEdit(draft_change_id=draft.id)
        session.add(row)
    distance = Levenshtein.distance(draft.text, st.text)
    row.translation_id, row.segment_id = tr.id, st.id
    row.source_locale, row.target_locale = tr.summary.source_locale, tr.locale
    row.engine, row.model_version = draft.engine or "", draft.model_version or ""
    row.distance = distance
    row.normalized = Levenshtein.normalized_distance(draft.text, st.text)
    row.unchanged = distance == 0
    row.approved_at = st.approved_at
    row.year, row.month = st.approved_at.year, st.approved_at.month
    session.flush()


@dataclass(frozen=True)
class MonthFigures:
    """One model version's machine drafts approved in one month."""

    year: int
    month: int
    approved: int
    unchanged: int
    average_edit: float  # mean normalised distance, 0..1

    @property
    def unchanged_share(self) -> float:
        return self.unchanged / self.approved if self.approved else 0.0


@dataclass(frozen=True)
class ModelFigures:
    """A model version (with its engine and language pair) and its months, newest first."""

    engine: str
    model_version: str
    source_locale: str
    target_locale: str
    months: list[MonthFigures]


def by_model_and_month(session: DbSession) -> list[ModelFigures]:
    """Drafts approved, approved unchanged, and the average edit, per model version and month."""
    keys = (
        DraftEdit.engine,
        DraftEdit.model_version,
        DraftEdit.source_locale,
        DraftEdit.target_locale,
    )
    rows = session.execute(
        select(
            *keys,
            DraftEdit.year,
            DraftEdit.month,
            func.count(),
            func.sum(case((DraftEdit.unchanged, 1), else_=0)),
            func.avg(DraftEdit.normalized),
        )
        .group_by(*keys, DraftEdit.year, DraftEdit.month)
        .order_by(*keys, DraftEdit.year.desc(), DraftEdit.month.desc())
    )
    models: dict[tuple[str, str, str, str], list[MonthFigures]] = {}
    for engine, version, source, target, year, month, approved, unchanged, average in rows:
        figures = MonthFigures(year, month, approved, int(unchanged or 0), float(average or 0))
        models.setdefault((engine, version, source, target), []).append(figures)
    found = [ModelFigures(*key, months=months) for key, months in models.items()]
    # The model in use now first: the one with the most recent approvals.
    return sorted(found, key=lambda m: (m.months[0].year, m.months[0].month), reverse=True)
