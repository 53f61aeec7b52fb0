"""ISO 3166-1 alpha-2 country codes, named in the UI language from CLDR (through Babel)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice

# CLDR also names regions and groupings with two letters that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})


@cache
def country_codes() -> frozenset[str]:
    """Every two-letter country code CLDR knows (stable across UI languages)."""
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )


def country_choices() -> list[SelectChoice]:
    """Codes with names in the UI language, sorted by name (for select boxes)."""
    names = get_locale().territories
    return sorted(
        (SelectChoice(code, names.get(code, code)) for code in country_codes()),
        key=lambda choice: str(choice.label),
    )
