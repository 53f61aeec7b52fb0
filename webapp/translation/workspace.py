"""The translator's page as data: what changed first, with diffs and the previous approval."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from webapp.accounts import services as users
from webapp.core.db import DbSession
from webapp.languages.diff import Piece, source_diff
from webapp.qa.registry import Finding
from webapp.translation import fuzzy, history, quality
from webapp.translation.models import (
    MemoryEntry,
    SegmentChange,
    SegmentStatus,
    SegmentTranslation,
    Translation,
)


@dataclass(frozen=True)
class MemoryNote:
    approved_by: str | None
    approved_at: datetime


@dataclass
class Entry:
    """One segment as the translator sees it."""

    st: SegmentTranslation
    previous: SegmentChange | None = None  # the last approval, made against an older source
    diff: list[Piece] = field(default_factory=list)  # old source -> new source
    memory: MemoryNote | None = None  # for memory matches: who approved the text, and when
    findings: list[Finding] = field(default_factory=list)  # quality checks on the current text
    # Close memory matches, best first; None: not looked up yet (the page fetches them later).
    matches: list[fuzzy.Match] | None = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.st.status != SegmentStatus.APPROVED


@dataclass
class Workspace:
    """Sections in reading order for this translator."""

    tr: Translation
    changed: list[Entry]  # source changed since it was approved: reviewed first
    rest: list[Entry]  # everything else, in document order
    fold_approved: bool  # after a source edit, unchanged approved segments fold away

    @property
    def waiting(self) -> int:
        return sum(1 for e in self.changed + self.rest if e.open)


def build(
    session: DbSession,
    tr: Translation,
    *,
    weakest_first: bool = False,
    typed: Mapping[int, str] | None = None,
    match_lookups: int | None = None,
) -> Workspace:
    """Changed segments first (with their diff and previous translation), then the others.

    `typed` is text a translator sent but the server refused (segment id -> text): its findings
    are those of that text, which is what the box shows and what the refusal was about.
    `match_lookups` bounds how many open segments, in reading order, get their memory matches
    now (None: all); the others' are None, for the page to fetch when the translator gets
    there. A lookup in a large memory costs tens of milliseconds per segment.
    """
    typed = typed or {}
    previous = history.previous_approvals(session, tr)
    notes = _memory_notes(session, tr)
    glossary_terms = quality.terms(session, tr)
    style = quality.dominant_style(tr)
    source_locale = tr.summary.source_locale
    changed: list[Entry] = []
    rest: list[Entry] = []
    for st in tr.segments:
        before = previous.get(st.id)
        note = notes.get(st.memory_entry_id) if st.memory_entry_id else None
        found = quality.findings(tr, st, typed.get(st.id, st.text), glossary_terms, style)
        if before is not None:
            diff = source_diff(before.source_text, st.source_text, source_locale)
            changed.append(Entry(st, before, diff, note, found))
        else:
            rest.append(Entry(st, memory=note, findings=found))
    if weakest_first:  # the engine's least confident drafts first; people's text after
        rest.sort(key=lambda e: (e.st.score is None, e.st.score or 0.0))
    waiting = [e for e in changed + rest if e.open]
    now = waiting if match_lookups is None else waiting[:match_lookups]
    matches = open_matches(session, tr, [e.st for e in now])
    looked_up = {e.st.id for e in now}
    for e in waiting:
        e.matches = matches.get(e.st.id, []) if e.st.id in looked_up else None
    return Workspace(tr, changed, rest, fold_approved=bool(changed))


def open_matches(
    session: DbSession, tr: Translation, only: Iterable[SegmentTranslation] | None = None
) -> dict[int, list[fuzzy.Match]]:
    """Close memory matches for every segment not yet approved (or those of `only`), in one
    lookup."""
    return fuzzy.close_matches(
        session,
        tr.summary.source_locale,
        tr.locale,
        (
            (st.id, st.source_text, st.source_hash)
            for st in (tr.segments if only is None else only)
            if st.status != SegmentStatus.APPROVED
        ),
    )


def _memory_notes(session: DbSession, tr: Translation) -> dict[int, MemoryNote]:
    """Who approved each memory match this translation uses, in two queries."""
    ids = {st.memory_entry_id for st in tr.segments if st.memory_entry_id}
    if not ids:
        return {}
    entries = list(session.scalars(select(MemoryEntry).where(MemoryEntry.id.in_(ids))))
    emails = users.emails_for(session, {e.approved_by_id for e in entries if e.approved_by_id})
    return {
        e.id: MemoryNote(emails.get(e.approved_by_id) if e.approved_by_id else None, e.updated_at)
        for e in entries
    }
