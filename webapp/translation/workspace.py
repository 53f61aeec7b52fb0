"""The translator's page as data: what changed first, with diffs and the previous approval."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from webapp.accounts import services as users
from webapp.core.db import DbSession
from webapp.qa.registry import Finding
from webapp.translation import fuzzy, history, quality
from webapp.translation.diff import Piece, source_diff
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
    matches: list[fuzzy.Match] = field(default_factory=list)  # close memory matches, best first

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
) -> Workspace:
    """Changed segments first (with their diff and previous translation), then the others.

    `typed` is text a translator sent but the server refused (segment id -> text): its findings
    are those of that text, which is what the box shows and what the refusal was about.
    """
    typed = typed or {}
    previous = history.previous_approvals(session, tr)
    notes = _memory_notes(session, tr)
    glossary_terms = quality.terms(session, tr)
    style = quality.dominant_style(tr)
    source_locale = tr.summary.source_locale
    matches = open_matches(session, tr)
    changed: list[Entry] = []
    rest: list[Entry] = []
    for st in tr.segments:
        before = previous.get(st.id)
        note = notes.get(st.memory_entry_id) if st.memory_entry_id else None
        found = quality.findings(tr, st, typed.get(st.id, st.text), glossary_terms, style)
        if before is not None:
            diff = source_diff(before.source_text, st.source_text, source_locale)
            changed.append(Entry(st, before, diff, note, found, matches.get(st.id, [])))
        else:
            rest.append(Entry(st, memory=note, findings=found, matches=matches.get(st.id, [])))
    if weakest_first:  # the engine's least confident drafts first; people's text after
        rest.sort(key=lambda e: (e.st.score is None, e.st.score or 0.0))
    return Workspace(tr, changed, rest, fold_approved=bool(changed))


def open_matches(
    session: DbSession, tr: Translation, only: SegmentTranslation | None = None
) -> dict[int, list[fuzzy.Match]]:
    """Close memory matches for every segment not yet approved (or `only` one), in one lookup."""
    return fuzzy.close_matches(
        session,
        tr.summary.source_locale,
        tr.locale,
        (
            (st.id, st.source_text, st.source_hash)
            for st in ([only] if only is not None else tr.segments)
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
