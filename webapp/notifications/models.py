"""The inbox (one row per coalesced burst) and each person's mail preferences per kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, str_enum, utcnow
from webapp.extensions import Model
from webapp.notifications.kinds import Frequency, Kind


class Notification(Model):
    """One inbox line. A burst of the same (recipient, kind, summary, locale) bumps `count` and
    `updated_at` of the unread line instead of adding one; `mailed_at` is cleared by a bump so the
    news goes out in the next mail, and set only once the mail server accepted it."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The staff navigation's unread count and the coalescing lookup walk this index.
        Index("ix_notifications_unread", "recipient_id", "read_at"),
        Index("ix_notifications_unmailed", "recipient_id", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[Kind] = mapped_column(str_enum(Kind))
    summary_id: Mapped[int | None] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    locale: Mapped[str | None] = mapped_column(String(8))
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE")
    )
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(Model):
    """How often a person is mailed about one kind; no row means the kind's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[Kind] = mapped_column(str_enum(Kind))
    frequency: Mapped[Frequency] = mapped_column(str_enum(Frequency))
