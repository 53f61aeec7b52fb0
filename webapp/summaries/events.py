"""What happens to a summary, announced for other domains (`core.events`), and what it asks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from webapp.core.db import DbSession
from webapp.core.events import Event
from webapp.core.hooks import Hook


@dataclass(frozen=True)
class SummaryRevised(Event):
    """A new revision became current (made, edited, restored, a photo changed): its segments
    are cut and every translation follows it (`translation.subscribers`)."""

    name: ClassVar[str] = "summary.revised"
    summary_id: int
    revision_id: int
    actor_id: int | None


@dataclass(frozen=True)
class SummaryRenamed(Event):
    """The summary's address changes; emitted before its redirect row is written, so a
    subscriber that orders public changes takes its lock first (`publishing`)."""

    name: ClassVar[str] = "summary.renamed"
    summary_id: int
    old_slug: str
    new_slug: str
    actor_id: int | None


# Readers may have seen it (publishing answers): then it is withdrawn, never deleted, and only
# an administrator may move its address.
ever_published: Hook[Callable[[DbSession, int], bool]] = Hook("summaries.ever_published")

# Whether readers see this photo now, in any language (publishing answers): a photo readers see
# is not deleted behind their backs.
shows_photo: Hook[Callable[[DbSession, int, int], bool]] = Hook("summaries.shows_photo")
