"""Locale choice and locale-aware formatting shared by every page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.dates import format_time as babel_format_time
from babel.lists import format_list
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import format_date, format_timedelta, get_locale, get_timezone, get_translations
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import LanguageAccept

from webapp.core.locales import LOCALE_NAMES, LOCALES, OG_LOCALES, default_locale, ui_locale
from webapp.core.permissions import Permission, is_api_request
from webapp.core.timezones import is_zone, zone_abbreviation

LOCALE_COOKIE = "lang"


def accept_language_locale(header_values: LanguageAccept) -> str | None:
    """The best of our locales by Accept-Language q-values; `ja-JP` counts as `ja`."""
    best: tuple[float, int, str] | None = None
    for order, (tag, quality) in enumerate(header_values):
        primary = str(tag).split("-")[0].split("_")[0].lower()
        if primary in LOCALES and quality > 0:
            candidate = (-quality, order, primary)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else None


def negotiate_locale() -> str:
    """The saved choice (cookie) first, then Accept-Language, then the default (English)."""
    choice = request.cookies.get(LOCALE_COOKIE)
    if choice is not None and choice in LOCALES:
        return choice
    return accept_language_locale(request.accept_languages) or default_locale()


def url_locale() -> str | None:
    """The locale named by the URL's first segment (`/ja/...`), even where no route matched."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in LOCALES else None


def select_locale() -> str:
    """Flask-Babel locale selector: the URL prefix decides (404s too), else negotiation."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # CLI and worker
    chosen = getattr(g, "locale", None)
    if isinstance(chosen, str) and chosen in LOCALES:
        return chosen
    return url_locale() or staff_locale() or negotiate_locale()


def staff_locale() -> str | None:
    """The UI language a signed-in person chose in their profile (staff pages only)."""
    from flask_login import current_user

    choice = getattr(current_user, "ui_locale", None) if current_user else None
    return choice if choice in LOCALES else None


def select_timezone() -> tzinfo | None:
    """Flask-Babel timezone selector: the signed-in person's zone on staff pages; None (UTC)
    on reader pages, sign-in, errors, the API, the CLI and workers, so that what the public
    sees (and caches) never depends on who looks."""
    if not has_request_context() or is_api_request():
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "permission", Permission.PUBLIC) == Permission.PUBLIC:
        return None
    from flask_login import current_user

    zone = getattr(current_user, "time_zone", None) if current_user else None
    # A ZoneInfo, not the name: Flask-Babel would load a name through pytz, whose own copy
    # of the tz database need not hold every zone the system's (which validated it) does.
    return ZoneInfo(zone) if is_zone(zone) else None


def interface_locale() -> Locale:
    """The Babel locale of the interface text: the page's, or the default's where no catalog
    ships for it (a label then reads "Name in Korean", not "Name in 한국어")."""
    page = get_locale()
    shown = ui_locale(str(page))
    return page if shown == str(page) else Locale.parse(shown)


def language_name(code: str) -> str:
    """A language's name in the interface's language: en -> English / 英語 (CLDR through Babel)."""
    return interface_locale().languages.get(code, code)


def language_list(codes: Iterable[str] = LOCALES) -> str:
    """Languages (the configured ones by default) named in the interface's language:
    "English and Japanese" / "英語、日本語"."""
    return format_list([language_name(code) for code in codes], locale=interface_locale())


def month_name(year: int, month: int) -> str:
    """January 2026 / 2026年1月."""
    return month_name_in(str(get_locale() or default_locale()), year, month)


@lru_cache(maxsize=4096)
def month_name_in(locale: str, year: int, month: int) -> str:
    """month_name for a locale already looked up; kept, since CLDR formatting takes ~20 us and
    the archive prints one per month of 20 years."""
    return format_skeleton("yMMMM", date(year, month, 1), locale=locale)


def long_date(value: date) -> str:
    """January 15, 2026 / 2026年1月15日; a moment's date where the reader is (`select_timezone`:
    the person's zone on staff pages, UTC on public ones)."""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=value.tzinfo or UTC).astimezone(get_timezone()).date()
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


def long_datetime(moment: datetime, zone_name: str | None = None) -> str:
    """Jan 16, 2026, 9:00 AM JST / 2026年1月16日 9:00 JST: in the viewer's zone (or the one
    named, such as a release's own), named, since staff in two capitals read the same page."""
    locale = get_locale() or Locale.parse(default_locale())
    zone, moment = _in_viewer_zone(moment)
    if zone_name is not None:
        zone = ZoneInfo(zone_name)
    day = format_skeleton("yMMMd", moment, tzinfo=zone, locale=locale)
    time = babel_format_time(moment, "short", tzinfo=zone, locale=locale)
    pattern = str(locale.datetime_formats.get("medium", "{1} {0}"))
    return f"{pattern.replace('{1}', day).replace('{0}', time)} {_zone_name(moment, zone)}"


def short_time(moment: datetime) -> str:
    """9:00 AM JST / 9:00 JST: a time of today in the viewer's zone, named."""
    locale = get_locale() or Locale.parse(default_locale())
    zone, moment = _in_viewer_zone(moment)
    time = babel_format_time(moment, "short", tzinfo=zone, locale=locale)
    return f"{time} {_zone_name(moment, zone)}"


def _in_viewer_zone(moment: datetime) -> tuple[tzinfo, datetime]:
    """The viewer's zone and the moment made aware (stored times are UTC)."""
    return get_timezone() or UTC, moment.replace(tzinfo=moment.tzinfo or UTC)


def _zone_name(moment: datetime, zone: tzinfo) -> str:
    return zone_abbreviation(moment, zone, get_locale() or default_locale())


def ago(moment: datetime) -> str:
    """How long ago, in the reader's language ("3 hours ago" / "3 時間前")."""
    return format_timedelta(moment - datetime.now(UTC), add_direction=True)


def page_translations() -> Any:
    """The catalog of the request's locale, looked up once per request.

    Flask-Babel's template `_()` asks `get_translations()` on every call: the domain, the
    context namespace, the locale, its identifier string and the cache, each time; a page
    prints 25-30 strings. The catalog is kept beside Flask-Babel's own locale on its request
    namespace and used while that locale is the same object, so `force_locale` (mail, the
    desk's previews) and `refresh()` still switch it.
    """
    state = g.get("_flask_babel") if has_app_context() else None
    if state is not None:
        kept = getattr(state, "kakehashi_translations", None)
        if kept is not None and kept[0] is getattr(state, "babel_locale", None):
            return kept[1]
    translations = get_translations()
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    if state is not None and locale is not None:
        state.kakehashi_translations = (locale, translations)
    return translations


def init_app(app: Flask) -> None:
    """Template helpers for locale-aware pages."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.filters["long_datetime"] = long_datetime
    app.jinja_env.filters["short_time"] = short_time
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["role_label"] = lambda role: str(ROLE_LABELS.get(str(role), str(role)))
    app.jinja_env.globals.update(
        status_label=status_label,
        origin_label=origin_label,
        confidence_label=lambda band: str(CONFIDENCE_LABELS.get(str(band), "")),
        change_label=lambda kind: str(CHANGE_LABELS.get(str(kind), str(kind))),
        LOCALE_NAMES=LOCALE_NAMES,
        OG_LOCALES=OG_LOCALES,
        month_name=month_name,
        language_list=language_list,
        LOCALES=LOCALES,
    )

    @app.context_processor
    def _locale_context() -> dict[str, Any]:
        locale = str(get_locale() or default_locale())
        return {
            "current_locale": locale,
            # The language the interface text is in: English where no catalog ships for locale.
            "ui_locale": ui_locale(locale),
            "now_utc": datetime.now(UTC),
        }
