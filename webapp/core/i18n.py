"""Locale choice and locale-aware formatting shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, g, has_request_context, request
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_babel import lazy_gettext as _l

from webapp.core.locales import DEFAULT_LOCALE, LOCALE_NAMES, LOCALES
from webapp.core.segment_keys import segment_label

LOCALE_COOKIE = "lang"


def negotiate_locale() -> str:
    """Cookie first (the reader chose), then Accept-Language, then English."""
    choice = request.cookies.get(LOCALE_COOKIE)
    if choice in LOCALES:
        return choice
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def select_locale() -> str:
    """Flask-Babel locale selector: the URL prefix decides, else negotiation."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # CLI and worker
    url_locale = getattr(g, "locale", None)
    if url_locale in LOCALES:
        return url_locale
    return negotiate_locale()


def long_date(value: date) -> str:
    """January 15, 2026 / 2026年1月15日."""
    return format_date(value, format="long")


STATUS_LABELS = {
    "queued": _l("Waiting for machine translation"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "stale": _l("Source changed"),
    "failed": _l("Machine translation failed"),
    "pending": _l("No draft yet"),
    "draft": _l("Draft"),
}
CHANGE_LABELS = {
    "save": _l("Saved as a draft"),
    "approve": _l("Approved"),
    "machine": _l("Machine draft"),
    "memory": _l("Filled from translation memory"),
    "source_changed": _l("The source changed"),
    "restore": _l("Earlier text restored"),
}
CONFIDENCE_LABELS = {
    "high": _l("Engine confident"),
    "medium": _l("Engine unsure"),
    "low": _l("Engine doubtful"),
}
ORIGIN_LABELS = {
    "mt": _l("Machine draft"),
    "tm": _l("Translation memory"),
    "human": _l("Translator"),
}

ROLE_LABELS = {
    "liaison": _l("Liaison staff"),
    "translator": _l("Translator"),
    "admin": _l("Administrator"),
}


def status_label(status: object) -> str:
    """A translation's or segment's status in the reader's language."""
    return str(STATUS_LABELS.get(str(status), str(status)))


def origin_label(origin: object) -> str:
    """Who made a text (machine, memory, translator) in the reader's language."""
    return str(ORIGIN_LABELS.get(str(origin), str(origin)))


def country_name(code: str) -> str:
    """JP -> Japan / 日本, from CLDR through Babel."""
    return get_locale().territories.get(code.upper(), code) if code else ""


def long_datetime(moment: datetime) -> str:
    """January 15, 2026, 3:04 PM / 2026年1月15日 15:04 (in UTC, as stored)."""
    return format_datetime(moment, format="medium")


def ago(moment: datetime) -> str:
    """How long ago, in the reader's language ("3 hours ago" / "3 時間前")."""
    return format_timedelta(moment - datetime.now(UTC), add_direction=True)


def init_app(app) -> None:
    """Template helpers for locale-aware pages."""
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.filters["long_datetime"] = long_datetime
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["role_label"] = lambda role: str(ROLE_LABELS.get(str(role), str(role)))
    app.jinja_env.globals.update(
        segment_label=segment_label,
        status_label=status_label,
        origin_label=origin_label,
        confidence_label=lambda band: str(CONFIDENCE_LABELS.get(str(band), "")),
        change_label=lambda kind: str(CHANGE_LABELS.get(str(kind), str(kind))),
        LOCALE_NAMES=LOCALE_NAMES,
        LOCALES=LOCALES,
    )

    @app.context_processor
    def _locale_context():
        return {
            "current_locale": str(get_locale() or DEFAULT_LOCALE),
            "now_utc": datetime.now(UTC),
        }
