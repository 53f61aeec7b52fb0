"""The languages the desk knows, and the configured ones the app runs in (`LOCALES`).

A language is known when a module declares it here; it is live when `LOCALES` names it. The app
checks `LOCALES` against this registry when it starts: an unknown code stops it with a message
that says which codes exist.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from flask import Flask

from webapp.config import Config
from webapp.core.locales import LocaleSet, activate, prime
from webapp.languages.base import Language
from webapp.languages.en import ENGLISH
from webapp.languages.ja import JAPANESE
from webapp.languages.ko import KOREAN

# Every declared language, in the order lists offer them.
KNOWN: MappingProxyType[str, Language] = MappingProxyType(
    {lang.code: lang for lang in (ENGLISH, JAPANESE, KOREAN)}
)
# The interface's own language (gettext message ids), the one readers fall back to and the
# pivot of machine translation. Every configuration includes it.
DEFAULT: Language = ENGLISH
# LOCALES when none is configured: English and Japanese ship first.
SHIPPED: tuple[Language, ...] = (ENGLISH, JAPANESE)
# The app's own name is Japanese (架け橋, "bridge"): pages in other languages show it beside theirs.
NATIVE_NAME = MappingProxyType({"lang": JAPANESE.code, "text": "架け橋"})


def get(code: str) -> Language:
    """The declared language with this code; ValueError for any other (never a silent guess)."""
    try:
        return KNOWN[code]
    except (KeyError, TypeError):
        raise ValueError(
            f"unsupported locale {code!r}; expected one of {', '.join(KNOWN)}"
        ) from None


def known() -> tuple[Language, ...]:
    """Every declared language."""
    return tuple(KNOWN.values())


def parse_locales(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """The configured codes ("en,ja,ko" or a list), checked; ValueError says what is wrong."""
    if value is None or value == "" or (not isinstance(value, str) and not value):
        return tuple(lang.code for lang in SHIPPED)
    raw = value.split(",") if isinstance(value, str) else list(value)
    codes = tuple(str(code).strip() for code in raw)
    unknown = [code for code in codes if code not in KNOWN]
    if unknown:
        raise ValueError(
            f"LOCALES names {', '.join(repr(c) for c in unknown)}, which no language module "
            f"declares; known languages: {', '.join(KNOWN)} (webapp/languages/)."
        )
    if len(set(codes)) != len(codes):
        raise ValueError(f"LOCALES names a language twice: {','.join(codes)}.")
    if DEFAULT.code not in codes:
        raise ValueError(
            f"LOCALES must include {DEFAULT.code} ({DEFAULT.endonym}): the interface is written "
            "in it, readers fall back to it and machine translation pivots through it."
        )
    return codes


def _catalogs(app: Flask, codes: Sequence[str]) -> frozenset[str]:
    """The configured locales that ship a compiled UI catalog (`make catalogs`)."""
    folders = str(app.config.get("BABEL_TRANSLATION_DIRECTORIES") or "translations").split(";")
    return frozenset(
        code
        for code in codes
        for folder in folders
        if (Path(folder) / code / "LC_MESSAGES" / "messages.mo").is_file()
    )


def locale_set(codes: Sequence[str], catalogs: frozenset[str] = frozenset()) -> LocaleSet:
    """What core keeps of the configured languages: codes, names, Open Graph forms. Names cover
    every declared language, since a summary published in one outlives its removal from LOCALES
    (its withdraw button still names it)."""
    return LocaleSet(
        codes=tuple(codes),
        default=DEFAULT.code,
        names=MappingProxyType({lang.code: lang.endonym for lang in KNOWN.values()}),
        og_locales=MappingProxyType({lang.code: lang.og_locale for lang in KNOWN.values()}),
        catalogs=catalogs,
    )


def init_app(app: Flask) -> None:
    """Check LOCALES against the registry and make the configured set live for this app."""
    try:
        codes = parse_locales(app.config.get("LOCALES"))
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    app.config["LOCALES"] = codes
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT.code
    activate(app, locale_set(codes, _catalogs(app, codes)))
    app.jinja_env.globals.update(language=get, native_name=NATIVE_NAME)


def _prime() -> None:
    """Before any app exists, code outside one (schemas, scripts) sees the environment's LOCALES;
    a wrong value is left for create_app to refuse with its message."""
    with contextlib.suppress(ValueError):
        prime(locale_set(parse_locales(Config.LOCALES)))


_prime()
