"""The events a webhook may ask for: the one list, named by the Event classes themselves."""

from __future__ import annotations

from webapp.core.events import Event
from webapp.publishing.events import SummaryPublished, SummaryWithdrawn
from webapp.questions.events import QuestionAnswered, QuestionAsked, QuestionResolved
from webapp.summaries.events import SummaryRevised
from webapp.translation.events import (
    TranslationApproved,
    TranslationAssigned,
    TranslationFailed,
    TranslationStale,
    TranslationWaiting,
)

EVENT_CLASSES: tuple[type[Event], ...] = (
    TranslationAssigned,
    TranslationWaiting,
    TranslationApproved,
    TranslationFailed,
    TranslationStale,
    QuestionAsked,
    QuestionAnswered,
    QuestionResolved,
    SummaryPublished,
    SummaryWithdrawn,
    SummaryRevised,
)
EVENT_NAMES: tuple[str, ...] = tuple(cls.name for cls in EVENT_CLASSES)
# Sent by the "send a test ping" button only; no webhook subscribes to it.
PING = "ping"
