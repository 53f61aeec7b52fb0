"""The locales this app publishes and translates between, defined once."""

from __future__ import annotations

from typing import Literal

LOCALES: tuple[str, ...] = ("en", "ja")
DEFAULT_LOCALE = "en"
# Endonyms: a language is offered in its own name, whatever the page's language.
LOCALE_NAMES = {"en": "English", "ja": "日本語"}
# For schemas and type checkers; must list the same codes as LOCALES (a test checks).
LocaleCode = Literal["en", "ja"]


def other_locale(locale: str) -> str:
    """The other side of the bridge (English <-> Japanese)."""
    return next(x for x in LOCALES if x != locale)


def target_locales(source: str) -> tuple[str, ...]:
    """Every locale a summary written in `source` is translated into."""
    return tuple(x for x in LOCALES if x != source)
