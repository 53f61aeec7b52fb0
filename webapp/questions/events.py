"""What happens to questions, announced for notifications to subscribe to (`core.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from webapp.core.events import Event


@dataclass(frozen=True)
class QuestionAsked(Event):
    name: ClassVar[str] = "question.asked"
    question_id: int
    summary_id: int
    translation_id: int | None
    segment_key: str | None
    author_id: int
    mentioned_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class QuestionAnswered(Event):
    name: ClassVar[str] = "question.answered"
    question_id: int
    answer_id: int
    summary_id: int
    author_id: int
    asker_id: int | None  # None: the asker's account is gone


@dataclass(frozen=True)
class QuestionResolved(Event):
    name: ClassVar[str] = "question.resolved"
    question_id: int
    summary_id: int
    resolved_by_id: int
    asker_id: int | None
