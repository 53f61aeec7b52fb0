"""What readers are shown, announced for other domains (`core.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from webapp.core.events import Event


@dataclass(frozen=True)
class SummaryPublished(Event):
    """A new snapshot is what readers of `locale` see (search indexes it: `search.subscribers`)."""

    name: ClassVar[str] = "summary.published"
    summary_id: int
    locale: str
    publication_id: int
    revision_id: int
    actor_id: int | None


@dataclass(frozen=True)
class SummaryWithdrawn(Event):
    """Readers of `locale` get 410 from now on; lists, feeds and the sitemap drop the summary."""

    name: ClassVar[str] = "summary.withdrawn"
    summary_id: int
    locale: str
    withdrawal_id: int
    reason: str
    actor_id: int | None


@dataclass(frozen=True)
class SummarySignedOff(Event):
    """A publisher who did not write the summary's current revision signed it off."""

    name: ClassVar[str] = "summary.signed_off"
    summary_id: int
    revision_id: int
    signoff_id: int
    via: str
    actor_id: int
