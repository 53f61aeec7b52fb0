"""Glossary terms: names and terms with their fixed rendering per language pair."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, utcnow
from webapp.extensions import Model


class GlossaryTerm(Model):
    """A source term, its fixed target, and renderings that must never be used."""

    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("source_locale", "target_locale", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(8))
    target_locale: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    case_sensitive: Mapped[bool] = mapped_column(default=False)
    do_not_translate: Mapped[bool] = mapped_column(default=False)
    forbidden: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
