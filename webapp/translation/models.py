"""Translations of a summary into one locale, their segments, and translation memory."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from webapp.core.db import UTCDateTime, str_enum, utcnow
from webapp.extensions import Model

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.summaries.models import Revision, Summary


class TranslationStatus(enum.StrEnum):
    QUEUED = "queued"  # segments wait for machine translation
    IN_REVIEW = "in_review"  # every segment has text; a translator reviews
    APPROVED = "approved"  # a translator approved the whole text of the current revision
    STALE = "stale"  # the source changed after approval; changed segments are being redone
    FAILED = "failed"  # machine translation failed; see `error`


class SegmentStatus(enum.StrEnum):
    PENDING = "pending"  # no text yet: waits for machine translation or a translator
    DRAFT = "draft"  # has text that no translator approved
    APPROVED = "approved"


class Origin(enum.StrEnum):
    MT = "mt"
    TM = "tm"
    HUMAN = "human"


class Segment(Model):
    """A translatable unit frozen from a revision: stable key plus the hash of its text."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("revision_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    source_text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)

    # `Revision.segments` is declared here, by the domain that cuts them: summaries know nothing
    # of translation (see `segments_of`).
    revision: Mapped[Revision] = relationship(
        backref=backref(
            "segments", cascade="all, delete-orphan", order_by="Segment.position", lazy="selectin"
        )
    )


class Translation(Model):
    """One summary into one target locale; follows the summary's current revision."""

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("summary_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    status: Mapped[TranslationStatus] = mapped_column(str_enum(TranslationStatus))
    error: Mapped[str | None] = mapped_column(Text)
    # "missing_model" or "mt_failed": lets each reader's UI explain the error in its own language.
    error_code: Mapped[str | None] = mapped_column(String(40))
    approved_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Whose work it is (`assignment`), and by when the liaison needs it approved.
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    needed_by: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # `Summary.translations`, declared here for the same reason (see `translations_of`).
    summary: Mapped[Summary] = relationship(
        backref=backref("translations", cascade="all, delete-orphan", lazy="selectin")
    )
    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    segments: Mapped[list[SegmentTranslation]] = relationship(
        back_populates="translation",
        cascade="all, delete-orphan",
        order_by="SegmentTranslation.position",
    )


class SegmentTranslation(Model):
    """The target text of one source segment, with its provenance and its own version."""

    __tablename__ = "segment_translations"
    __table_args__ = (UniqueConstraint("translation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    source_text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[SegmentStatus] = mapped_column(str_enum(SegmentStatus))
    origin: Mapped[Origin | None] = mapped_column(str_enum(Origin))
    engine: Mapped[str | None] = mapped_column(String(40))
    model_version: Mapped[str | None] = mapped_column(String(200))
    # The engine's confidence in a machine draft: mean log-probability per token (0 is certain).
    score: Mapped[float | None] = mapped_column(Float)
    # Terms and names the app placed in a machine draft because the engine dropped them:
    # [{"source", "target", "kind": "glossary" | "name"}], shown beside the draft.
    inserted_terms: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where a memory match came from (its original approver and date are shown to the reviewer).
    memory_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("translation_memory.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    translation: Mapped[Translation] = relationship(back_populates="segments")
    memory_entry: Mapped[MemoryEntry | None] = relationship()


class ChangeKind(enum.StrEnum):
    SAVE = "save"  # a translator saved text (draft)
    APPROVE = "approve"  # a translator approved (possibly with new text)
    MACHINE = "machine"  # the worker wrote a machine draft
    MEMORY = "memory"  # translation memory filled the segment
    SOURCE_CHANGED = "source_changed"  # the liaison changed the source; the text was reset
    RESTORE = "restore"  # a translator restored an earlier text


class SegmentChange(Model):
    """One change to a segment translation, kept forever: who, what, and from which source."""

    __tablename__ = "segment_changes"
    __table_args__ = (Index("ix_segment_changes_segment", "segment_translation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_translation_id: Mapped[int] = mapped_column(
        ForeignKey("segment_translations.id", ondelete="CASCADE")
    )
    kind: Mapped[ChangeKind] = mapped_column(str_enum(ChangeKind))
    version: Mapped[int] = mapped_column(Integer)  # the segment's version after this change
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[SegmentStatus] = mapped_column(str_enum(SegmentStatus))
    origin: Mapped[Origin | None] = mapped_column(str_enum(Origin))
    engine: Mapped[str | None] = mapped_column(String(40))
    model_version: Mapped[str | None] = mapped_column(String(200))
    source_hash: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An approval over quality warnings: the translator's reason, and which checks it overrode.
    reason: Mapped[str | None] = mapped_column(Text)
    waived: Mapped[str | None] = mapped_column(String(200))  # check codes, comma-separated


class MemoryEntry(Model):
    """An approved source/target pair, reused for identical source text anywhere."""

    __tablename__ = "translation_memory"
    __table_args__ = (UniqueConstraint("source_locale", "target_locale", "source_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(8))
    target_locale: Mapped[str] = mapped_column(String(8))
    source_hash: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    # The neighbouring sentences' hashes when it was approved: a "context match" needs both.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    next_hash: Mapped[str | None] = mapped_column(String(64))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Where it came from: "approved" here (approved_by_id says by whom) or "imported" from a
    # file (origin_file, created_at, created_by_id or the shell account in `imported_by`).
    origin: Mapped[str] = mapped_column(String(20), default="approved", server_default="approved")
    origin_file: Mapped[str | None] = mapped_column(String(255))
    imported_by: Mapped[str | None] = mapped_column(String(100))
    # Imported pairs are unapproved unless the importer said so: they fill a segment as a draft.
    approved: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    use_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class MemoryCandidates(Model):
    """The close memory matches found for one source sentence, kept so pages only read them.

    `entry_ids` are the matching entries' ids, best first (comma-separated; empty: none);
    `seen_id` is the highest memory id that existed when they were found: entries above it are
    scored when the list is read, and then folded in. Entries deleted since drop out as they
    are read; a mass delete clears the lists (`fuzzy.forget_candidates`).
    """

    __tablename__ = "memory_candidates"

    source_locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    target_locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    entry_ids: Mapped[str] = mapped_column(Text, default="", server_default="")
    seen_id: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Presence(Model):
    """Who has a translation open, and which segment they last saved (presence, not a lock)."""

    __tablename__ = "presence"
    __table_args__ = (UniqueConstraint("translation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_saved_key: Mapped[str | None] = mapped_column(String(100))
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DraftEdit(Model):
    """How far a translator's approved text is from the machine draft it began as.

    One row per machine draft (its history row), replaced when the segment is approved again: the
    latest approval counts. Plain ids, no foreign keys and no text: the engine's measure outlives
    a deleted summary without keeping any of its words. The month (UTC) is stored for grouping.
    """

    __tablename__ = "draft_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_change_id: Mapped[int] = mapped_column(Integer, unique=True)
    translation_id: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[int] = mapped_column(Integer)  # the segment translation, as in the API
    source_locale: Mapped[str] = mapped_column(String(8))
    target_locale: Mapped[str] = mapped_column(String(8))
    engine: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(200))
    distance: Mapped[int] = mapped_column(Integer)  # characters inserted, deleted or replaced
    normalized: Mapped[float] = mapped_column(Float)  # distance / the longer text's length
    unchanged: Mapped[bool]
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)


def translations_of(summary: Summary) -> list[Translation]:
    """The summary's translations, one per target locale (loaded with the summary)."""
    found: list[Translation] = summary.translations  # type: ignore[attr-defined]
    return found


def translation_into(summary: Summary, locale: str) -> Translation | None:
    return next((t for t in translations_of(summary) if t.locale == locale), None)


def segments_of(revision: Revision) -> list[Segment]:
    """The revision's source segments in reading order (loaded with the revision)."""
    found: list[Segment] = revision.segments  # type: ignore[attr-defined]
    return found
