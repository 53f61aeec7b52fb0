"""Locale choice and locale-aware formatting shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, g, has_request_context, request
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

LOCALE_COOKIE = "lang"
LOCALE_NAMES = {"en": "English", "ja": "日本語"}


def supported_locales() -> tuple[str, ...]:
    """The content and UI locales this deployment serves."""
    return tuple(current_app.config["LANGUAGES"])


def other_locale(locale: str) -> str:
    """The other side of the bridge (English <-> Japanese)."""
    return "ja" if locale == "en" else "en"


def negotiate_locale() -> str:
    """Cookie first (the reader chose), then Accept-Language, then English."""
    choice = request.cookies.get(LOCALE_COOKIE)
    if choice in supported_locales():
        return choice
    return request.accept_languages.best_match(supported_locales()) or "en"


def select_locale() -> str:
    """Flask-Babel locale selector: the URL prefix decides, else negotiation."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # CLI and worker
    url_locale = getattr(g, "locale", None)
    if url_locale in supported_locales():
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
ORIGIN_LABELS = {
    "mt": _l("Machine draft"),
    "tm": _l("Translation memory"),
    "human": _l("Translator"),
}


def segment_label(key: str) -> str:
    """A translator-friendly name for a segment key ("body.2.0" -> "Paragraph 3, sentence 1")."""
    parts = key.split(".")
    n = [int(p) + 1 for p in parts[1:] if p.isdigit()]
    match parts[0], parts[-1]:
        case "title", _:
            return _l("Title")
        case "location", _:
            return _l("Place")
        case "lede", _:
            return _l("Lede, sentence %(s)d", s=n[0])
        case "body", _:
            return _l("Paragraph %(p)d, sentence %(s)d", p=n[0], s=n[1])
        case "quote", "speaker":
            return _l("Quote %(n)d: speaker", n=n[0])
        case "quote", _:
            return _l("Quote %(n)d", n=n[0])
        case "participant", "name":
            return _l("Participant %(n)d: name", n=n[0])
        case "participant", _:
            return _l("Participant %(n)d: role", n=n[0])
        case "image", _:
            return _l("Photo %(n)d: caption", n=n[0])
    return key


def country_name(code: str) -> str:
    """JP -> Japan / 日本, from CLDR through Babel."""
    return get_locale().territories.get(code.upper(), code) if code else ""


def init_app(app) -> None:
    """Template helpers for locale-aware pages."""
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.globals.update(
        segment_label=segment_label,
        status_label=lambda s: STATUS_LABELS.get(str(s), str(s)),
        origin_label=lambda s: ORIGIN_LABELS.get(str(s), str(s)),
        LOCALE_NAMES=LOCALE_NAMES,
    )

    @app.context_processor
    def _locale_context():
        return {
            "current_locale": str(get_locale() or "en"),
            "now_utc": datetime.now(UTC),
        }
