"""What happens to a translation, announced for other domains (`core.events`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from webapp.core.db import DbSession
from webapp.core.events import Event
from webapp.core.hooks import Hook


@dataclass(frozen=True)
class TranslationMoved(Event):
    """A translation changed status; each target status has its own subclass below."""

    name: ClassVar[str] = "translation.moved"
    translation_id: int
    summary_id: int
    locale: str
    before: str | None  # None: the translation was just made
    after: str
    actor_id: int | None = None  # None: the system (a worker, a source edit's ripple)
    reason: str | None = None


@dataclass(frozen=True)
class TranslationQueued(TranslationMoved):
    name: ClassVar[str] = "translation.queued"


@dataclass(frozen=True)
class TranslationWaiting(TranslationMoved):
    """Every segment has text: the translation waits for a translator's review."""

    name: ClassVar[str] = "translation.waiting"


@dataclass(frozen=True)
class TranslationApproved(TranslationMoved):
    name: ClassVar[str] = "translation.approved"


@dataclass(frozen=True)
class TranslationStale(TranslationMoved):
    """The source changed after approval; readers keep the approved text meanwhile."""

    name: ClassVar[str] = "translation.stale"


@dataclass(frozen=True)
class TranslationFailed(TranslationMoved):
    name: ClassVar[str] = "translation.failed"


@dataclass(frozen=True)
class TranslationAssigned(Event):
    """A translation's assignee or "needed by" time changed (assigned, claimed, handed back)."""

    name: ClassVar[str] = "translation.assigned"
    translation_id: int
    summary_id: int
    locale: str
    assignee_id: int | None
    needed_by: str | None  # ISO 8601, UTC
    actor_id: int | None


# Summary id -> the locales readers see it in, for many summaries at once (publishing answers):
# the review queue shows which waiting translations replace a published page.
published_locales: Hook[Callable[[DbSession, list[int]], dict[int, list[str]]]] = Hook(
    "translation.published_locales"
)
