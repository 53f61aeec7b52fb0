"""Published snapshots: what readers see, per summary and locale."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, str_enum, utcnow
from webapp.extensions import Model


class Publication(Model):
    """What readers see for one summary in one locale: an immutable, whole snapshot.

    Rows are never edited; publishing again adds a row and moves `is_current` to it.
    """

    __tablename__ = "publications"
    __table_args__ = (
        Index(
            "uq_publications_current",
            "summary_id",
            "locale",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index("ix_publications_listing", "locale", "is_current", "meeting_date"),
        # A summary's snapshots: the reader page's rows (with the summary's unique slug), the
        # first publication date, publish and withdraw. SQLite cannot use the partial index
        # above for reads (the queries say `is_current IS 1`, not `is_current`).
        Index("ix_publications_summary", "summary_id", "locale", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    is_current: Mapped[bool] = mapped_column(default=True)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(Text)
    lede: Mapped[str] = mapped_column(Text, default="")
    meeting_date: Mapped[date] = mapped_column(Date)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    machine_assisted: Mapped[bool] = mapped_column(default=False)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Withdrawal(Model):
    """A summary pulled from readers in one locale, with who, when and why.

    Withdrawing clears the current publication (`is_current` false), so every public list, feed
    and sitemap drops it; this row lets the reader page answer 410 with the date. Publishing the
    locale again ends the withdrawal (`ended_at`).
    """

    __tablename__ = "withdrawals"
    __table_args__ = (Index("ix_withdrawals_slug_locale", "slug", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(8))
    slug: Mapped[str] = mapped_column(String(120))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PublicChange(Model):
    """A change readers see that adds no snapshot, withdrawal or redirect (a topic renamed or
    removed): its row moves the public site's generation, so cached reader pages are remade."""

    __tablename__ = "public_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))  # the event's name, e.g. "topic.changing"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReleasePolicy(enum.StrEnum):
    """What a scheduled release does with a language not approved by its time (decided ahead)."""

    HOLD = "hold"  # publish none; the release is held until the liaison sets a new time
    READY = "ready"  # publish the ready ones; each other one as soon as it is approved


class ReleaseState(enum.StrEnum):
    PENDING = "pending"  # waiting for its time (its job sits in the queue until then)
    RELEASED = "released"  # done; with `ready`, `outstanding` languages follow on approval
    HELD = "held"  # its time came with a language not ready, under `hold`: nothing published
    CANCELLED = "cancelled"


# A summary has at most one schedule still to happen (pending or held).
OPEN_RELEASE = "state IN ('pending', 'held')"


class ScheduledRelease(Model):
    """A publication waiting for its time: languages released together, exactly once.

    `version` moves on every change (reschedule, cancel, release); the release job carries the
    version it was queued for and releases only with a compare-and-set on it, so an old job of a
    rescheduled release, or a second worker, finds the version moved and does nothing.
    """

    __tablename__ = "scheduled_releases"
    __table_args__ = (
        Index(
            "uq_scheduled_releases_open",
            "summary_id",
            unique=True,
            sqlite_where=text(OPEN_RELEASE),
            postgresql_where=text(OPEN_RELEASE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    locales: Mapped[list[str]] = mapped_column(JSON)
    release_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The zone the liaison gave the time in: the page states the time in it, and in UTC.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    policy: Mapped[ReleasePolicy] = mapped_column(str_enum(ReleasePolicy))
    state: Mapped[ReleaseState] = mapped_column(
        str_enum(ReleaseState), default=ReleaseState.PENDING
    )
    # Held: the languages that were not ready. Released under `ready`: those still to follow.
    outstanding: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When its time was acted on: released, or held for want of an approval.
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it was held: "not_approved", "no_signoff", "no_publish_role" or "publish_failed".
    held_reason: Mapped[str | None] = mapped_column(String(40))


class SignoffVia(enum.StrEnum):
    """How a publisher signed off a revision: the button, or by an act that implies it."""

    SIGNOFF = "signoff"  # pressed "Sign off" (page or API)
    PUBLISH = "publish"  # published it, not being its author
    SCHEDULE = "schedule"  # scheduled (or rescheduled) its release, not being its author


class Signoff(Model):
    """A second publisher's word that one revision of a summary may go out
    (`REQUIRE_PUBLISH_SIGNOFF`; `publishing.signoff`). One row per summary, revision and person;
    a new revision needs a new sign-off, so rows on older revisions stay as history."""

    __tablename__ = "signoffs"
    __table_args__ = (UniqueConstraint("summary_id", "revision_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    via: Mapped[SignoffVia] = mapped_column(str_enum(SignoffVia), default=SignoffVia.SIGNOFF)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
