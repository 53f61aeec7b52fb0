"""Summaries and their append-only revisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.db import UTCDateTime, utcnow
from webapp.core.errors import NotFound
from webapp.extensions import Model


class Summary(Model):
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

    @property
    def revision(self) -> Revision:
        """The current revision; every stored summary has one (nullable only for the FK cycle).

        None is seen only by a request that loaded the summary just before another deleted it
        (the deletion's cascade removed the revision): to that request the summary is gone.
        """
        if self.current_revision is None:
            raise deleted_meanwhile()
        return self.current_revision


def deleted_meanwhile() -> NotFound:
    """The answer to a request whose summary another request deleted while it ran."""
    return NotFound(str(_l("This summary was deleted meanwhile.")))


class Revision(Model):
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
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # `topics.Topic` slugs
    related: Mapped[list[int]] = mapped_column(JSON, default=list)  # other summaries' ids, in order
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    quotes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{id, caption, alt, credit, image_id}] in reading order; the files are `photos.Photo` rows.
    photos: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def quotes_in_text(self) -> list[bool]:
        """For each quote, whether the lede or paragraphs already hold it word for word (as an
        imported release does): readers meet it there, so it is neither shown again under
        "Quotes" nor translated a second time as a segment of its own."""
        prose = " ".join(f"{self.lede or ''} {self.body}".split())
        quotes = (" ".join(q.get("text", "").split()) for q in self.quotes)
        return [bool(words) and _held_whole(words, prose) for words in quotes]


_PLACES_TRIED = 20


def _joins_word(a: str, b: str) -> bool:
    """Whether two neighbouring characters are one word: both letters or digits of a script
    that spaces its words (a Japanese quote stands right against the sentence that holds it)."""
    return a.isalnum() and b.isalnum() and ord(a) < 0x2E80 and ord(b) < 0x2E80


def _held_whole(words: str, prose: str) -> bool:
    """Whether `prose` holds `words` as whole words: "Japan" is not held in "Japanese", nor
    "We agree" in "We agreed". Only the first few places are tried (each search is linear): a
    quote not found whole there is shown under "Quotes", where it cannot be missed."""
    start = prose.find(words)
    for _ in range(_PLACES_TRIED):
        if start == -1:
            break
        end = start + len(words)
        before = start > 0 and _joins_word(prose[start - 1], words[0])
        after = end < len(prose) and _joins_word(words[-1], prose[end])
        if not (before or after):
            return True
        start = prose.find(words, start + 1)
    return False


class SlugRedirect(Model):
    """An address a summary was published under before an administrator renamed it (301)."""

    __tablename__ = "slug_redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(String(120), unique=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreationKey(Model):
    """A one-time key that created a summary: a form token or an API Idempotency-Key.

    A second creation with the same key (Back, then Save; a client retrying after a timeout)
    answers with the summary the first made instead of making another. `fingerprint` is the hash
    of the API request body (empty for form tokens); keys older than `idempotency.KEY_HOURS`
    are ignored and deleted when the next key is recorded.
    """

    __tablename__ = "creation_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))  # "form:<token>" or "api:<Idempotency-Key>"
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
