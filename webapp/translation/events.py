"""What happens to a translation, announced for other domains (`core.events`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from markupsafe import Markup

from webapp.core.db import DbSession
from webapp.core.events import Event
from webapp.core.hooks import Hook

if TYPE_CHECKING:
    from webapp.translation.models import Translation


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


@dataclass(frozen=True)
class OpenQuestion:
    """A question still open on one of a translation's segments, as approval names it."""

    id: int
    segment_key: str | None  # None: the segment it was asked on is gone from the source
    body: str


# The open questions on a translation's segments (questions answers): approving the whole
# translation over them needs the translator to say so.
open_questions: Hook[Callable[[DbSession, Translation], list[OpenQuestion]]] = Hook(
    "translation.open_questions"
)
# Segment translation id -> the questions block shown beside that segment on the review page
# (None: questions whose segment is gone). Questions renders its own block, forms and all, so
# the review page needs to know nothing of them.
questions_beside_segments: Hook[Callable[[DbSession, Translation], dict[int | None, Markup]]] = (
    Hook("translation.questions_beside_segments")
)
