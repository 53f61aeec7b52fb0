"""Topics: a small managed vocabulary, named in every locale, that summaries are tagged with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, utcnow
from webapp.extensions import Model


class Topic(Model):
    """One topic; summaries name it by `slug` (stable), readers see `names[locale]`."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)  # {"en": "Defense industry", "ja": …}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or next(iter(self.names.values()), self.slug)
