"""What a language declares: the rules the desk follows when it splits, joins, compares, checks,
imports and shows text in that language. Each language module (`en.py`, `ja.py`, `ko.py`) holds
one frozen `Language`; `languages.registry` lists them.

The rules are properties, not code paths keyed by language codes: the sentence splitter, the
diff, the quality checks and the importer ask the language what it does.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from types import MappingProxyType


class Punctuation(enum.StrEnum):
    """How a language punctuates: which quality checks apply, how a label runs into its text."""

    LATIN = "latin"  # . , ? ! “ ” with a space after them (English, Korean)
    FULL_WIDTH = "full_width"  # 。、？！「」 with no space (Japanese)


@dataclass(frozen=True)
class Styles:
    """A language whose prose keeps one sentence-ending style (Japanese です/ます or だ/である).

    `endings` names the style of each sentence of a text, `dominant` the style most sentences of
    a translation use (None when there is none or it is a tie).
    """

    endings: Callable[[str], list[str]]
    dominant: Callable[[Iterable[str]], str | None]
    POLITE: str = "polite"
    PLAIN: str = "plain"


@dataclass(frozen=True)
class ReleaseForms:
    """How an official release in this language writes what the importer reads out of it."""

    # Dates with named groups year, month (digits, or a name in `month_names`) and day.
    dates: tuple[re.Pattern[str], ...] = ()
    month_names: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    # Quotations with named groups text and speaker (the speaker may be missing).
    quotes: tuple[re.Pattern[str], ...] = ()
    # The word before a photo's credit line ("Credit:"), and the heading of related stories.
    credit_labels: tuple[str, ...] = ()
    related_labels: tuple[str, ...] = ()

    def read_date(self, text: str) -> date | None:
        """The first real date in the text written this language's way, or None."""
        for pattern in self.dates:
            for m in pattern.finditer(text):
                raw = m["month"]
                month = int(raw) if raw.isdigit() else self.month_names.get(raw.lower().rstrip("."))
                if month is None:
                    continue
                try:
                    return date(int(m["year"]), month, int(m["day"]))
                except ValueError:
                    continue
        return None


@dataclass(frozen=True, eq=False)
class Language:
    """One language the desk can publish in. Only `code`, the names and `letters` are required;
    every other rule has the value most languages written with spaces want."""

    code: str  # the BCP 47 primary subtag: URL prefix, <html lang>, catalog folder
    endonym: str  # its name in itself, as the language switcher offers it ("日本語")
    territory: str  # the usual region, for Open Graph's og:locale (ja_JP)
    # A regular-expression character class of its own script ("[\uac00-\ud7a3]"): how the
    # importer recognises a release in it and the checks find its text inside a sentence.
    letters: str
    # One short ordinary sentence a newly installed model is tried on (`flask mt install`).
    sample: str = ""

    # Sentences: joined with a space (English, Korean) or not (Japanese, where a space stays
    # only between two pieces of Latin text).
    sentence_space: bool = True
    # Its sentences end in full-width 。！？, so an ASCII full stop after wide text (Va.で)
    # continues the sentence (rule 4 of `languages.sentences`).
    full_width_stops: bool = False
    # Comparing two versions of a sentence: by characters where words carry no spaces.
    diff_by_characters: bool = False

    # Typography and the checks that follow from it.
    punctuation: Punctuation = Punctuation.LATIN
    # The quality checks can read its numbers and dates as values (`languages.numerals` knows
    # its digits, number words, scales, months and eras).
    reads_numbers: bool = False
    # Sentence-ending styles the translation keeps to (None: the style check does not apply).
    styles: Styles | None = None
    # How long its translation of an English text usually is, in characters (low, high), and
    # below how many characters a text is too short for the length check to mean anything.
    length_vs_english: tuple[float, float] = (0.2, 5.0)
    short_text: int = 20

    release: ReleaseForms = ReleaseForms()

    @property
    def og_locale(self) -> str:
        """The Open Graph form of the locale: ja_JP."""
        return f"{self.code}_{self.territory}"

    @property
    def full_width(self) -> bool:
        """Set in full-width punctuation (Japanese): （） around asides, ： after labels."""
        return self.punctuation is Punctuation.FULL_WIDTH

    @property
    def label_separator(self) -> str:
        """What runs a label into its text: "Table Talk: …" / "テーブルトーク：…"."""
        return "：" if self.full_width else ": "

    def letter_pattern(self) -> re.Pattern[str]:
        """One character of its own script."""
        return _compiled(self.letters)


@cache
def _compiled(char_class: str) -> re.Pattern[str]:
    return re.compile(char_class)
