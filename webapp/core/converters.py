"""URL converters that refuse what the database cannot hold, so such URLs are a plain 404."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, IntegerConverter

from webapp.core.schemas import INT64_MAX


class IdConverter(IntegerConverter):
    """A database id: 1 to 2**63 - 1 (a larger number would overflow the column type)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - Werkzeug's signature
        super().__init__(map, min=1, max=INT64_MAX)


class SlugConverter(BaseConverter):
    """A summary slug as `summaries.schemas.Slug` allows (no NUL, no 200-character junk)."""

    regex = r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?"


def init_app(app) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["slug"] = SlugConverter
