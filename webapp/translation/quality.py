"""Quality findings for a translation's segments, with the summary's glossary in context."""

from __future__ import annotations

from types import EllipsisType

from webapp.core.db import DbSession
from webapp.glossary import services as glossary
from webapp.glossary.services import Term
from webapp.languages import get as language
from webapp.qa.prose import is_prose
from webapp.qa.registry import Context, Finding, run_checks
from webapp.translation.models import (
    SegmentStatus,
    SegmentTranslation,
    Translation,
    segments_of,
)


def terms(session: DbSession, tr: Translation) -> tuple[Term, ...]:
    """The glossary that applies to this translation (look it up once per page or request): the
    pair's terms its source uses, its countries, and the names (participants, place) a
    translator approved in it."""
    revision = tr.summary.revision
    source = "\n".join(seg.source_text for seg in segments_of(revision))
    found = glossary.terms_for(
        session, tr.summary.source_locale, tr.locale, source, revision.countries
    )
    for st in tr.segments:
        names = st.key.startswith(("participant.", "location"))
        if names and st.status == SegmentStatus.APPROVED and st.text:
            found.append(Term(st.source_text, st.text, case_sensitive=True, name=True))
    return tuple(found)


def dominant_style(tr: Translation) -> str | None:
    """The sentence style most of a translation uses, in a language that keeps one (Japanese);
    work it out once per page."""
    styles = language(tr.locale).styles
    if styles is None:
        return None
    return styles.dominant(st.text for st in tr.segments if st.text and is_prose(st.key))


def findings(
    tr: Translation,
    st: SegmentTranslation,
    text: str | None,
    terms: tuple[Term, ...],
    style: str | None | EllipsisType = ...,
) -> list[Finding]:
    """What the quality checks say about `text` as the translation of this segment.

    Pages that check every segment pass `dominant_style(tr)`, worked out once; a single save may
    leave it out.
    """
    if isinstance(style, EllipsisType):
        style = dominant_style(tr)
    ctx = Context(tr.summary.source_locale, tr.locale, st.key, terms, style)
    return run_checks(st.source_text, text, ctx)


# Bands for the engine's mean log-probability per token (probability per token ~0.61 and ~0.30).
HIGH, MEDIUM = -0.5, -1.2


def confidence(score: float | None) -> str | None:
    """ "high", "medium" or "low" for a machine draft's score; None for people's text."""
    if score is None:
        return None
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"
