"""Approved segments as references for evaluating machine-translation models (`mt.evaluation`
asks through the hooks in `mt.events`; `subscribers` answers them)."""

from __future__ import annotations

from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.mt.events import Reference
from webapp.summaries.models import Summary
from webapp.translation import quality
from webapp.translation.models import Origin, SegmentStatus, SegmentTranslation, Translation

# Names a translator approved in a summary are glossary terms of its other segments; a name's
# own segment must not be masked with its own approved text (the answer would leak into the test).
_NAME_KEYS = ("participant.", "location")


def approved_segment_ids(session: DbSession, source: str, target: str) -> list[int]:
    """Segments of the pair that a person approved, across summaries: approved by someone, with
    a text, and not copied in from translation memory (that repeats another approved pair)."""
    query = (
        select(SegmentTranslation.id)
        .join(Translation, SegmentTranslation.translation_id == Translation.id)
        .join(Summary, Translation.summary_id == Summary.id)
        .where(
            Summary.source_locale == source,
            Translation.locale == target,
            SegmentTranslation.status == SegmentStatus.APPROVED,
            SegmentTranslation.approved_by_id.is_not(None),
            SegmentTranslation.origin.in_((Origin.HUMAN, Origin.MT)),
            SegmentTranslation.text.is_not(None),
            SegmentTranslation.text != "",
        )
        .order_by(SegmentTranslation.id)
    )
    return list(session.scalars(query))


def approved_references(session: DbSession, ids: list[int]) -> list[Reference]:
    """The segments `ids` names as References, in that order, each with the glossary its
    translation's machine drafts are masked with (looked up once per translation)."""
    rows = {
        st.id: st
        for st in session.scalars(select(SegmentTranslation).where(SegmentTranslation.id.in_(ids)))
    }
    terms: dict[int, tuple] = {}
    out = []
    for segment_id in ids:
        st = rows.get(segment_id)
        if st is None or not st.text:
            continue
        if st.translation_id not in terms:
            terms[st.translation_id] = quality.terms(session, st.translation)
        mine = terms[st.translation_id]
        if st.key.startswith(_NAME_KEYS):
            mine = tuple(t for t in mine if (t.source, t.target) != (st.source_text, st.text))
        out.append(
            Reference(st.id, st.source_text, st.text, mine, machine_drafted=st.origin == Origin.MT)
        )
    return out
