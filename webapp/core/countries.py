"""ISO 3166-1 alpha-2 country codes, named in the UI language from CLDR (through Babel)."""

from __future__ import annotations

from functools import cache

from babel.core import get_global
from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice

# CLDR also names regions and groupings with two letters that are not countries.
_NOT_COUNTRIES = frozenset({"CQ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})
# The two countries nearly every summary names come first in the lists.
FIRST = ("JP", "US")


@cache
def country_codes() -> frozenset[str]:
    """Every two-letter country code CLDR knows (the territories it records languages for:
    the same in every UI language, so no locale is needed to list them)."""
    codes = (str(code) for code in get_global("territory_languages"))
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )


def country_choices() -> list[SelectChoice]:
    """Codes with names in the UI language, sorted by name (for select boxes)."""
    names = get_locale().territories
    rest = sorted(
        (
            SelectChoice(code, names.get(code, code))
            for code in country_codes()
            if code not in FIRST
        ),
        key=lambda choice: str(choice.label),
    )
    return [SelectChoice(code, names.get(code, code)) for code in FIRST] + rest
