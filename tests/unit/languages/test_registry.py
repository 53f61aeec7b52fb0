"""The language registry: what is declared, what LOCALES may name, and the live configured set."""

from __future__ import annotations

import re

import pytest

from webapp import create_app, languages
from webapp.core.locales import LOCALE_NAMES, LOCALES, OG_LOCALES, default_locale, target_locales
from webapp.languages import Language, Punctuation


def test_every_declared_language_is_complete():
    assert [lang.code for lang in languages.known()] == ["en", "ja", "ko"]
    for lang in languages.known():
        assert isinstance(lang, Language) and languages.get(lang.code) is lang
        assert lang.endonym and lang.sample and re.fullmatch(r"[A-Z]{2}", lang.territory)
        assert lang.letter_pattern().search(lang.sample), lang.code  # its letters are its own
        low, high = lang.length_vs_english
        assert 0 < low <= high and lang.short_text > 0
        for pattern in (*lang.release.dates, *lang.release.quotes):
            assert {"text", "speaker"} <= set(pattern.groupindex) or {
                "year",
                "month",
                "day",
            } <= set(pattern.groupindex)
    assert languages.DEFAULT.code == "en" and languages.DEFAULT in languages.SHIPPED


@pytest.mark.parametrize("code", ["fr", "EN", "en-US", "ja_JP", "", None])
def test_an_undeclared_code_is_refused_loudly(code):
    with pytest.raises(ValueError, match="expected one of en, ja, ko"):
        languages.get(code)


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        (None, ("en", "ja")),
        ("", ("en", "ja")),
        ("en,ja,ko", ("en", "ja", "ko")),
        (" ko , en ", ("ko", "en")),
        (["en", "ko"], ("en", "ko")),
    ],
)
def test_locales_are_parsed_in_order(value, codes):
    assert languages.parse_locales(value) == codes


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("en,xx", "LOCALES names 'xx', which no language module declares; known languages: "),
        ("en,ja,ja", "names a language twice"),
        ("ja,ko", "LOCALES must include en (English)"),
        ("en,", "LOCALES names ''"),
    ],
)
def test_bad_locales_say_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        languages.parse_locales(value)


def test_an_unknown_locale_stops_the_app(tmp_path):
    with pytest.raises(RuntimeError, match="'xx', which no language module declares"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "LOCALES": "en,xx"})


def test_each_app_sees_its_own_configured_locales(tmp_path):
    two = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db"})
    three = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.db", "LOCALES": "en,ja,ko"}
    )
    assert two.config["LOCALES"] == ("en", "ja") and two.config["BABEL_DEFAULT_LOCALE"] == "en"
    with two.app_context():
        assert list(LOCALES) == ["en", "ja"] and "ko" not in LOCALES
        assert target_locales("en") == ("ja",)
        assert LOCALE_NAMES["ko"] == "한국어"  # named still, for what was published in it before
    with three.app_context():
        assert list(LOCALES) == ["en", "ja", "ko"] and LOCALES[-1] == "ko"
        assert target_locales("en") == ("ja", "ko")
        assert [LOCALE_NAMES[code] for code in LOCALES] == ["English", "日本語", "한국어"]
        assert OG_LOCALES["ko"] == "ko_KR" and default_locale() == "en"
    # Outside any app context: the app created last (as while create_app wires things up).
    assert list(LOCALES) == ["en", "ja", "ko"]


def test_typography_follows_the_declaration():
    ja, ko, en = languages.get("ja"), languages.get("ko"), languages.get("en")
    assert ja.punctuation is Punctuation.FULL_WIDTH and ja.label_separator == "："
    assert ko.punctuation is Punctuation.LATIN and ko.label_separator == ": "
    assert en.sentence_space and ko.sentence_space and not ja.sentence_space
    assert ja.diff_by_characters and not ko.diff_by_characters
    assert en.reads_numbers and ja.reads_numbers and not ko.reads_numbers
    assert ja.styles is not None and ko.styles is None and en.styles is None
