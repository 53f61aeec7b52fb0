"""The translator's page as data: what changed first, with diffs and the previous approval."""

from __future__ import annotations

from dataclasses import dataclass, field

from webapp.core.db import DbSession
from webapp.translation import history
from webapp.translation.diff import Piece, source_diff
from webapp.translation.models import SegmentChange, SegmentStatus, SegmentTranslation, Translation


@dataclass
class Entry:
    """One segment as the translator sees it."""

    st: SegmentTranslation
    previous: SegmentChange | None = None  # the last approval, made against an older source
    diff: list[Piece] = field(default_factory=list)  # old source -> new source

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


def build(session: DbSession, tr: Translation) -> Workspace:
    """Changed segments first (with their diff and previous translation), then the others."""
    previous = history.previous_approvals(session, tr)
    source_locale = tr.summary.source_locale
    changed: list[Entry] = []
    rest: list[Entry] = []
    for st in tr.segments:
        before = previous.get(st.id)
        if before is not None:
            diff = source_diff(before.source_text, st.source_text, source_locale)
            changed.append(Entry(st, before, diff))
        else:
            rest.append(Entry(st))
    return Workspace(tr, changed, rest, fold_approved=bool(changed))
