"""Quality findings for a translation's segments, with the summary's glossary in context."""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.glossary import services as glossary
from webapp.glossary.services import Term
from webapp.qa.registry import Context, Finding, run_checks
from webapp.translation.models import SegmentTranslation, Translation


def terms(session: DbSession, tr: Translation) -> tuple[Term, ...]:
    """The glossary that applies to this translation (look it up once per page or request)."""
    return tuple(glossary.terms_for(session, tr.summary, tr.locale))


def findings(
    tr: Translation, st: SegmentTranslation, text: str | None, terms: tuple[Term, ...]
) -> list[Finding]:
    """What the quality checks say about `text` as the translation of this segment."""
    ctx = Context(tr.summary.source_locale, tr.locale, st.key, terms)
    return run_checks(st.source_text, text, ctx)


# Bands for the engine's mean log-probability per token (probability per token ~0.61 and ~0.30).
HIGH, MEDIUM = -0.5, -1.2


def confidence(score: float | None) -> str | None:
    """ "high", "medium" or "low" for a machine draft's score; None for people's text."""
    if score is None:
        return None
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"
