"""Summaries, their append-only revisions, frozen segments and published snapshots."""

from __future__ import annotations

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow


class Summary(db.Model):
    """One bilateral meeting record; `version` guards against lost concurrent edits."""

    __tablename__ = "summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    source_locale: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer, default=1)
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    current_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    translations: Mapped[list[Translation]] = relationship(  # noqa: F821
        back_populates="summary", cascade="all, delete-orphan", lazy="selectin"
    )


class Revision(db.Model):
    """An immutable snapshot of the source fields; every change appends one."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("summary_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    lede: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(300), default="")
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    quotes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    segments: Mapped[list[Segment]] = relationship(
        back_populates="revision",
        cascade="all, delete-orphan",
        order_by="Segment.position",
        lazy="selectin",
    )


class Segment(db.Model):
    """A translatable unit frozen from a revision: stable key plus the hash of its text."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("revision_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    source_text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)

    revision: Mapped[Revision] = relationship(back_populates="segments")


class Publication(db.Model):
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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    is_current: Mapped[bool] = mapped_column(default=True)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(600))
    lede: Mapped[str] = mapped_column(Text, default="")
    meeting_date: Mapped[date] = mapped_column(Date)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    machine_assisted: Mapped[bool] = mapped_column(default=False)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
