"""A question on a summary (optionally on one segment of one translation), and its answers."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.db import UTCDateTime, str_enum, utcnow
from webapp.extensions import Model


class QuestionState(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Question(Model):
    """A thread one person starts; anyone on staff answers, anyone on staff resolves.

    On a segment it names both the segment translation's id and its key: the id follows a
    sentence that moves when the source is edited, and the key still places the question when
    that row is gone (its id is then cleared).
    """

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_summary_state", "summary_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), index=True
    )
    segment_translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("segment_translations.id", ondelete="SET NULL")
    )
    segment_key: Mapped[str | None] = mapped_column(String(100))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[QuestionState] = mapped_column(str_enum(QuestionState))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list[Answer]] = relationship(
        cascade="all, delete-orphan", order_by="Answer.id", lazy="selectin"
    )
    mentions: Mapped[list[Mention]] = relationship(
        cascade="all, delete-orphan", order_by="Mention.id", lazy="selectin"
    )


class Answer(Model):
    """One reply in a question's thread; kept as written (no edits in this increment)."""

    __tablename__ = "question_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Mention(Model):
    """A staff member the asker wants to answer (a notification will reach them later)."""

    __tablename__ = "question_mentions"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
