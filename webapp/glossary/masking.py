"""Protect glossary terms through machine translation with placeholders the engine passes on.

`protect` swaps each protected term for ⟦n⟧; `restore` puts the fixed target form back: where
the placeholder came back whole or slightly mangled (`⟦ 0 ⟧`, `[0]`, `⟦0`, full-width digits),
and, for a required term or name the engine dropped, where the engine's attention aligned the
placeholder (an anchor), else at the same relative place in the sentence. Terms placed by the
app rather than by the engine are reported (`Restored.inserted`), so the translator is told.
A term the draft already holds is never added a second time.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from webapp.glossary.services import Term

PLACEHOLDER = "⟦{}⟧"
# A placeholder as engines bend it: other brackets, spaces inside, full-width digits, a bracket
# lost on one side. At least one bracket must remain: a bare digit is the sentence's own.
_OPEN, _CLOSE = "⟦[［【〚〔", "⟧]］】〛〕"
_LOOSE = re.compile(
    rf"(?P<open>[{re.escape(_OPEN)}])?[ \u3000]{{0,2}}(?P<n>[0-9０-９]{{1,3}})[ \u3000]{{0,2}}"
    rf"(?P<close>[{re.escape(_CLOSE)}])?"
)


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


@dataclass(frozen=True)
class Masked:
    """A source text with its terms swapped for placeholders: placeholder n stands for
    `terms[n]` and sits at `spans[n]` of `text`."""

    text: str
    terms: tuple[Term, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()


def protect(text: str, terms: Sequence[Term]) -> Masked:
    """The text with each term replaced by ⟦n⟧."""
    out: list[str] = []
    found: list[Term] = []
    spans: list[tuple[int, int]] = []
    pos = length = 0
    for start, end, term in find(text, terms):
        out.append(text[pos:start])
        length += start - pos
        marker = PLACEHOLDER.format(len(found))
        out.append(marker)
        spans.append((length, length + len(marker)))
        length += len(marker)
        found.append(term)
        pos = end
    out.append(text[pos:])
    return Masked("".join(out), tuple(found), tuple(spans))


def mask(text: str, terms: Sequence[Term]) -> tuple[str, list[str]]:
    """The text with each term replaced by ⟦n⟧, and the target form for each n."""
    masked = protect(text, terms)
    return masked.text, [term.target for term in masked.terms]


@dataclass(frozen=True)
class Restored:
    """A draft with its terms back; `inserted` lists those the app placed itself, and `how`
    says for each placeholder what happened (for the bench: kept, mangled, attention,
    position, present, dropped)."""

    text: str
    inserted: tuple[Term, ...] = ()
    how: tuple[str, ...] = ()


def _number(match: re.Match[str]) -> int:
    return int(unicodedata.normalize("NFKC", match["n"]))


def _markers(draft: str, source: str) -> list[tuple[int, int, int]]:
    """(start, end, n) of each placeholder in the draft, whole or mangled; a mangled form of n
    counts only when the source holds no bracketed number n of its own ("[1]", a footnote)."""
    own = {
        _number(m)
        for m in _LOOSE.finditer(source)
        if (m["open"] or m["close"]) and m.group() != PLACEHOLDER.format(_number(m))
    }
    return [
        (m.start(), m.end(), n)
        for m in _LOOSE.finditer(draft)
        if (m["open"] or m["close"])
        and ((n := _number(m)) not in own or m.group() == PLACEHOLDER.format(n))
    ]


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _insertion_point(draft: str, offset: int, taken: list[tuple[int, int]]) -> int:
    """A place at or before `offset` that splits no Latin word and no placeholder."""
    offset = max(0, min(offset, len(draft)))
    for start, end in taken:
        if start < offset < end:
            offset = start
    if offset == len(draft) and draft[-1:] in (".", "。", "!", "?", "！", "？"):
        offset -= 1  # inside the sentence, not after its full stop
    while 0 < offset < len(draft) and _latin(draft[offset - 1]) and _latin(draft[offset]):
        offset -= 1
    return offset


def _spaced(before: str, term: str, after: str) -> str:
    """The term with a space where it meets a Latin word (Japanese runs on without one)."""
    left = " " if before and _latin(before[-1]) and _latin(term[:1]) else ""
    right = " " if after and _latin(after[:1]) and _latin(term[-1:]) else ""
    return f"{left}{term}{right}"


def restore(draft: str, masked: Masked, anchors: Sequence[int | None] = ()) -> Restored:
    """Put every placeholder's target back; place a dropped required term at its anchor.

    A placeholder that came back more than once is restored once; the others go. A required
    term the engine dropped is placed where `anchors[n]` says (an offset into `draft`), else at
    its relative place in the source, unless the draft already holds it.
    """
    if not masked.terms:
        return Restored(draft)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in draft coordinates
    how = ["dropped"] * len(masked.terms)
    wanted = Counter(term.target for term in masked.terms)
    have = Counter({target: draft.count(target) for target in wanted})  # the engine's own
    for start, end, n in _markers(draft, masked.text):
        if n >= len(masked.terms):
            continue
        target = masked.terms[n].target
        if how[n] == "dropped" and have[target] < wanted[target]:
            how[n] = "kept" if draft[start:end] == PLACEHOLDER.format(n) else "mangled"
            have[target] += 1
            edits.append((start, end, target))
        else:  # a second copy, or the engine wrote the term itself as well
            how[n] = "present" if how[n] == "dropped" else how[n]
            edits.append((start, end, ""))
    taken = [(s, e) for s, e, _r in edits]
    inserted: list[Term] = []
    for n, term in enumerate(masked.terms):
        if how[n] != "dropped" or not term.required:
            continue
        if have[term.target] >= wanted[term.target]:
            how[n] = "present"
            continue
        have[term.target] += 1
        anchor = anchors[n] if n < len(anchors) else None
        if anchor is None:
            start = masked.spans[n][0] if n < len(masked.spans) else len(masked.text)
            anchor = round(len(draft) * start / max(len(masked.text), 1))
            how[n] = "position"
        else:
            how[n] = "attention"
        at = _insertion_point(draft, anchor, taken)
        edits.append((at, at, term.target))
        inserted.append(term)
    out: list[str] = []
    pos = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        text = replacement
        if start == end and replacement:  # an insertion: mind the spaces around it
            text = _spaced(draft[:start], replacement, draft[start:])
        out.append(draft[pos:start])
        out.append(text)
        pos = end
    out.append(draft[pos:])
    text = re.sub(r" {2,}", " ", "".join(out)).strip()
    return Restored(text, tuple(inserted), tuple(how))


def unmask(draft: str, targets: list[str]) -> str:
    """Put each target back where the engine kept exactly one placeholder for it."""
    for n, target in enumerate(targets):
        marker = PLACEHOLDER.format(n)
        if draft.count(marker) == 1:
            draft = draft.replace(marker, target)
    return draft
