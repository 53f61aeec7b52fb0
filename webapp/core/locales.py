"""The locales this app runs in: the configured set (`LOCALES`), live for the running app.

`core` knows no language. The language registry (`webapp.languages`) checks the configured codes
when the app is created and hands their names here (`activate`); from then on `LOCALES`,
`LOCALE_NAMES` and `OG_LOCALES` answer for the app whose context is active (outside of one, for the
app created last, as during `create_app`, or before any app for the environment's LOCALES). They
are read-only views, so `x in LOCALES`, `for code in LOCALES` and `LOCALE_NAMES[code]` work
wherever they are imported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, overload

from flask import Flask, current_app, has_app_context
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

EXTENSION = "kakehashi.locales"


@dataclass(frozen=True)
class LocaleSet:
    """What the app knows of its configured locales, in the configured order."""

    codes: tuple[str, ...] = ()
    default: str = ""  # the locale readers fall back to and the interface is written in
    names: Mapping[str, str] = field(default_factory=dict)  # endonyms: ja -> 日本語 (all known)
    og_locales: Mapping[str, str] = field(default_factory=dict)  # ja -> ja_JP
    catalogs: frozenset[str] = frozenset()  # locales that ship a UI catalog


_latest = LocaleSet()
_activated = False


def prime(locales: LocaleSet) -> None:
    """The set code outside any app sees until an app is created (the environment's LOCALES,
    through the language registry when it is imported): schemas and scripts work before one."""
    global _latest
    if not _activated:
        _latest = locales


def activate(app: Flask, locales: LocaleSet) -> None:
    """Make `locales` the app's configured set (create_app, through the language registry)."""
    global _latest, _activated
    app.extensions[EXTENSION] = locales
    _latest, _activated = locales, True


def current() -> LocaleSet:
    """The configured set of the app in context, else of the app created last."""
    if has_app_context():
        found = current_app.extensions.get(EXTENSION)
        if found is not None:
            return found
    return _latest


class _Codes(Sequence[str]):
    """The configured locale codes, as a read-only sequence that follows the app."""

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return current().codes[index]

    def __len__(self) -> int:
        return len(current().codes)

    def __contains__(self, value: object) -> bool:
        return value in current().codes

    def __iter__(self) -> Iterator[str]:
        return iter(current().codes)

    def __repr__(self) -> str:
        return f"LOCALES{current().codes!r}"


class _Names(Mapping[str, str]):
    """One attribute of the configured set (names, og_locales) as a read-only mapping."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def _map(self) -> Mapping[str, str]:
        return getattr(current(), self.attribute)

    def __getitem__(self, code: str) -> str:
        return self._map()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


LOCALES: Sequence[str] = _Codes()
LOCALE_NAMES: Mapping[str, str] = _Names("names")  # each in its own language: the switcher's
OG_LOCALES: Mapping[str, str] = _Names("og_locales")  # Open Graph names locales with a territory


def default_locale() -> str:
    """The locale readers fall back to, and the language of the interface's own text."""
    return current().default


def ui_locale(locale: str) -> str:
    """The language the interface text of a page in `locale` is shown in: its own when a catalog
    ships for it, else the default (gettext then returns the message ids)."""
    found = current()
    return locale if locale in found.catalogs or locale == found.default else found.default


def target_locales(source: str) -> tuple[str, ...]:
    """Every locale a summary written in `source` is translated into."""
    return tuple(x for x in LOCALES if x != source)


def _configured(value: str) -> str:
    codes = current().codes
    if value not in codes:
        raise PydanticCustomError(
            "literal_error", "Input should be one of {expected}", {"expected": ", ".join(codes)}
        )
    return value


class _ConfiguredLocale:
    """Pydantic metadata: a string that is one of the configured locales (checked at validation
    time, so the schema follows LOCALES) and whose JSON schema lists them."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_configured, core_schema.str_schema())

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "enum": list(LOCALES)}


# For schemas: one of the configured locales; anything else is a field error (422).
LocaleCode = Annotated[str, _ConfiguredLocale]
