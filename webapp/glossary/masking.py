"""Protect glossary terms through machine translation with placeholders the engine passes on.

`mask` swaps each protected term for ⟦n⟧; `unmask` puts the fixed target form back. A
placeholder the engine dropped or doubled is left as it is, so the draft is flagged by the quality
checks (term missing, placeholder left over) instead of being silently wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from webapp.glossary.services import Term

PLACEHOLDER = "⟦{}⟧"


def _pattern(term: Term) -> re.Pattern[str]:
    """Whole words for Latin terms (so "Bill" never matches "Billing"); as is for Japanese."""
    body = re.escape(term.source)
    if term.source[:1].isascii() and term.source[:1].isalnum():
        body = rf"(?<!\w){body}(?!\w)"
    return re.compile(body, 0 if term.case_sensitive else re.IGNORECASE)


def find(text: str, terms: Sequence[Term]) -> list[tuple[int, int, Term]]:
    """Non-overlapping occurrences of terms in `text`, longest term first where they overlap."""
    spans: list[tuple[int, int, Term]] = []
    for term in sorted(terms, key=lambda t: len(t.source), reverse=True):
        for m in _pattern(term).finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _t in spans):
                spans.append((m.start(), m.end(), term))
    return sorted(spans, key=lambda span: span[0])


def mask(text: str, terms: Sequence[Term]) -> tuple[str, list[str]]:
    """The text with each term replaced by ⟦n⟧, and the target form for each n."""
    out: list[str] = []
    targets: list[str] = []
    pos = 0
    for start, end, term in find(text, terms):
        out.append(text[pos:start])
        out.append(PLACEHOLDER.format(len(targets)))
        targets.append(term.target)
        pos = end
    out.append(text[pos:])
    return "".join(out), targets


def unmask(draft: str, targets: list[str]) -> str:
    """Put each target back where the engine kept exactly one placeholder for it."""
    for n, target in enumerate(targets):
        marker = PLACEHOLDER.format(n)
        if draft.count(marker) == 1:
            draft = draft.replace(marker, target)
    return draft
