"""A photo's file: where its sizes are stored and what the upload was.

The words about a photo (caption, alt text, credit, image id) and its place in the list live in
the summary's revision (`Revision.photos`), so that changing them makes a revision and goes
through translation and review like any other text. This row holds only what the file is.

A row without a file (`storage` is NULL) is a photo waiting for its file: an imported release
names its photos before anyone has the images. Its words are segments like any photo's; the
file arrives later into the same row, and publishing waits until it has.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, utcnow
from webapp.extensions import Model


class Photo(Model):
    """One image of a summary, re-encoded into a few widths under a random name (or not yet)."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    # Random hex token; each width is stored as "<storage>-<width>.<format>". The file's
    # columns are all NULL (and `sizes` empty) while the photo waits for its file.
    storage: Mapped[str | None] = mapped_column(String(64), unique=True)
    format: Mapped[str | None] = mapped_column(String(8))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    sizes: Mapped[list[int]] = mapped_column(JSON, default=list)
    # sha256 of the bytes as uploaded, to recognise the same file uploaded twice.
    sha256: Mapped[str | None] = mapped_column(String(64))
    bytes: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def waiting(self) -> bool:
        """True while the photo has words but no file yet."""
        return self.storage is None
