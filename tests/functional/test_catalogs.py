"""Invariant 6: every UI string is translated; each catalog that ships (today Japanese's) is
complete and not fuzzy. A configured language without a catalog shows the English text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webapp import languages

ROOT = Path(__file__).resolve().parents[2]


def _po(code: str) -> Path:
    return ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"


# Every declared language that ships a catalog: whichever of them LOCALES configures.
CATALOGS = [lang.code for lang in languages.known() if _po(lang.code).is_file()]


def test_the_languages_that_ship_first_ship_a_catalog_and_every_catalog_is_declared():
    assert {lang.code for lang in languages.SHIPPED if lang is not languages.DEFAULT} <= set(
        CATALOGS
    )
    folders = {po.parent.parent.name for po in (ROOT / "translations").glob("*/LC_MESSAGES/*.po")}
    assert folders <= set(languages.KNOWN)


@pytest.mark.parametrize("code", CATALOGS)
def test_each_catalog_is_complete_and_has_no_fuzzy_entries(code):
    with _po(code).open("rb") as f:
        catalog = read_po(f, locale=code)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100
    untranslated = [
        m.id
        for m in messages
        if not m.string or not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("code", CATALOGS)
def test_each_catalog_covers_every_string_in_the_code_and_templates(code):
    """Extract again: a string added to code or a template without a translation fails here."""
    from babel.messages.extract import extract_from_dir

    with _po(code).open("rb") as f:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f, locale=code)}
    method_map = _babel_cfg_method_map()
    missing = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)},
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid and msgid not in known:
            missing.add(msgid)
    assert sorted(missing) == []


def _babel_cfg_method_map() -> list[tuple[str, str]]:
    """The same extraction rules as `make translations-update` (babel.cfg)."""
    rules = []
    for line in (ROOT / "babel.cfg").read_text().splitlines():
        if line.startswith("["):
            method, pattern = line.strip("[]").split(": ")
            rules.append((pattern, method))
    return rules


@pytest.mark.parametrize("code", CATALOGS)
def test_every_translation_survives_the_formatting_its_msgid_gets(code):
    """Templates format every string with % (Jinja's new-style gettext), code formats those with
    placeholders: a lone % in a translation is a 500 on that page (it was, on /admin/engine/)."""
    with _po(code).open("rb") as f:
        catalog = read_po(f, locale=code)
    broken = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        names = {name for msgid in ids for name in re.findall(r"%\((\w+)\)", msgid)}
        values = {name: 1 for name in names} | {"num": 1}
        for text in strings:
            try:
                text % values
            except (ValueError, KeyError, TypeError) as exc:
                broken.append(f"{ids[0]!r}: {exc}")
    assert broken == []
