"""URL converters that refuse what the database cannot hold, so such URLs are a plain 404."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

from webapp.core.schemas import ID_MAX


class IdConverter(BaseConverter):
    """A database id. Digits beyond 1..2**31-1 become 0, an id nothing has, so the answer is a
    plain 404 (refusing them in the converter makes Werkzeug answer 405 for other methods)."""

    regex = r"\d+"
    weight = 50

    def to_python(self, value: str) -> int:
        if len(value) > 10:
            return 0
        number = int(value)
        return number if 1 <= number <= ID_MAX else 0

    def to_url(self, value: int) -> str:
        return str(int(value))


class SlugConverter(BaseConverter):
    """A summary slug as `summaries.schemas.Slug` allows (no NUL, no 200-character junk)."""

    regex = r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?"


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["slug"] = SlugConverter
