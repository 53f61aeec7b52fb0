"""Topics: a small managed vocabulary, named in every locale, that summaries are tagged with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, utcnow
from webapp.core.locales import default_locale
from webapp.extensions import Model


class Topic(Model):
    """One topic; summaries name it by `slug` (stable), readers see `names[locale]`."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)  # locale code -> name in it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name(self, locale: str) -> str:
        """Its name in `locale`; one added to LOCALES later shows the default language's."""
        return (
            self.names.get(locale)
            or self.names.get(default_locale())
            or next(iter(self.names.values()), self.slug)
        )
