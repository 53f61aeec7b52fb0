"""The quality checks run on every draft and save (tables of cases in tests/unit/qa/)."""

from __future__ import annotations

import datetime
import re

from babel.dates import format_skeleton
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.languages import Language, known, numerals
from webapp.languages import get as language
from webapp.qa.prose import is_prose
from webapp.qa.registry import Check, Context, Severity, register

# A word of two or more letters in any declared script.
_WORD = re.compile("(?:" + "|".join(lang.letters for lang in known()) + "){2,}")
# An address starts where no address character goes on before it, so a long run of letters or
# digits is scanned once, not once per position (40,000 digits took 8 s).
_URL_OR_MAIL = re.compile(
    r"https?://[^\s<>\"'）」]+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b\d{6}-[A-Z]-[A-Z0-9]{5}-\d{3,4}\b"
)
_PLACEHOLDER = re.compile(r"⟦\d+⟧|\{\d+\}|%\([a-z_]+\)s")
_LOOP = re.compile(r"(.{2,30}?)\1{3,}", re.S)
_DOUBLED_WORD = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE)


@register
class Empty(Check):
    code = "empty"
    name = _l("Empty translation")
    severity = Severity.ERROR

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        return _("The translation is empty.") if source.strip() and not target.strip() else None


@register
class SameAsSource(Check):
    code = "same_as_source"
    name = _l("Not translated")

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        words = _WORD.findall(source)
        if len(words) >= 3 and target.strip() == source.strip():
            return _("The translation is the same as the source.")
        return None


@register
class Numbers(Check):
    """Every number of the source, by value, in the target (rules in languages.numerals)."""

    code = "numbers"
    name = _l("Numbers differ")
    description = _l(
        "Each number in the source has the same value in the translation, whether written in "
        "digits, kanji or with a scale (500万 = 5 million)."
    )

    def applies(self, source: Language, target: Language) -> bool:
        return source.reads_numbers and target.reads_numbers

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        remaining = [n.value for n in numerals.numbers(target)]
        missing = []
        for number in numerals.numbers(source):
            if number.value in remaining:
                remaining.remove(number.value)
            elif number.firm:
                missing.append(number.text)
        if missing:
            return _(
                "Numbers in the source are missing here: %(numbers)s.", numbers=", ".join(missing)
            )
        return None


@register
class Dates(Check):
    """Every date of the source as the same day in the target, in any script or era."""

    code = "dates"
    name = _l("Date differs")
    description = _l(
        "Each date in the source is the same date in the translation "
        "(January 15, 2026 = 2026年1月15日 = 令和8年1月15日)."
    )

    def applies(self, source: Language, target: Language) -> bool:
        return source.reads_numbers and target.reads_numbers

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        remaining = numerals.dates(target)
        missing = []
        for date in numerals.dates(source):
            match = next((d for d in remaining if d.same(date)), None)
            if match is None:
                missing.append(_date_label(date))
            else:
                remaining.remove(match)
        if missing:
            return _(
                "This date in the source is missing here: %(dates)s.", dates=", ".join(missing)
            )
        return None


def _date_label(date: numerals.Date) -> str:
    """The date as the reader writes it ("January 15, 2026" or "2026年1月15日")."""
    if date.day is None:
        day = datetime.date(date.year or 2000, date.month, 1)
        return format_skeleton("yMMMM", day, locale=get_locale())
    if date.year is None:
        return format_skeleton(
            "MMMMd", datetime.date(2000, date.month, date.day), locale=get_locale()
        )
    return format_date(datetime.date(date.year, date.month, date.day), "long")


@register
class LinksAndIds(Check):
    code = "links"
    name = _l("Address or image id changed")
    severity = Severity.ERROR

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        wanted = [item.rstrip(".,;:!?") for item in _URL_OR_MAIL.findall(source)]
        missing = [item for item in wanted if item not in target]
        if missing:
            return _("Keep these exactly as in the source: %(items)s.", items=", ".join(missing))
        return None


@register
class Placeholders(Check):
    code = "placeholder"
    name = _l("Placeholder left over")
    severity = Severity.ERROR

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        extra = [p for p in _PLACEHOLDER.findall(target) if p not in source]
        if extra:
            return _("Remove the leftover markers: %(items)s.", items=", ".join(extra))
        return None


@register
class Repetition(Check):
    code = "repetition"
    name = _l("Repeated words")

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        loop = _LOOP.search(target)
        if loop and not _LOOP.search(source):
            return _("“%(text)s” repeats; the machine may have looped.", text=loop.group(1))
        doubled = _DOUBLED_WORD.search(target)
        if doubled and not _DOUBLED_WORD.search(source):
            return _("“%(word)s” is written twice in a row.", word=doubled.group(1))
        return None


@register
class LengthRatio(Check):
    code = "length"
    name = _l("Unusual length")

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        low, high = length_bounds(language(ctx.source_locale), language(ctx.target_locale))
        if len(source) < language(ctx.source_locale).short_text or not target:
            return None
        ratio = len(target) / len(source)
        if ratio < low:
            return _("Much shorter than the source: is something missing?")
        if ratio > high:
            return _("Much longer than the source: is something added?")
        return None


def length_bounds(source: Language, target: Language) -> tuple[float, float]:
    """How much shorter or longer than the source a translation may plausibly be, from how long
    each language's text is against English."""
    (source_low, source_high), (target_low, target_high) = (
        source.length_vs_english,
        target.length_vs_english,
    )
    return target_low / source_high, target_high / source_low


@register
class JapanesePunctuation(Check):
    code = "ja_punctuation"
    name = _l("Japanese punctuation")

    def applies(self, source: Language, target: Language) -> bool:
        return target.full_width

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        letter = language(ctx.target_locale).letters
        if re.search(letter + r"[.,]", target) or re.search(r"[．，]", target):
            return _("Use 。 and 、 after Japanese text, not . or , (or ． and ，).")
        if re.search(letter + r"[!?()]", target):
            return _("Use full-width ！？（） with Japanese text.")
        if re.search(letter + r" " + letter, target):
            return _("Remove the space between Japanese characters.")
        return None


@register
class Widths(Check):
    code = "ja_width"
    name = _l("Half-width kana or full-width Latin")

    def applies(self, source: Language, target: Language) -> bool:
        return target.full_width

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        if re.search(r"[\uff61-\uff9f]", target):
            return _("Use full-width katakana, not half-width.")
        if re.search(r"[Ａ-Ｚａ-ｚ０-９]", target):
            return _("Use half-width letters and digits (Ａ１ → A1).")
        return None


@register
class JapaneseStyle(Check):
    """One sentence-ending style through a Japanese summary (Language.styles, in ja.py)."""

    code = "ja_style"
    name = _l("Mixed です/ます and だ/である")
    description = _l(
        "A Japanese summary keeps one sentence-ending style: です/ます or だ/である, "
        "whichever most of its sentences use."
    )

    def applies(self, source: Language, target: Language) -> bool:
        return target.styles is not None

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        rules = language(ctx.target_locale).styles
        if rules is None or ctx.style is None or not is_prose(ctx.key):
            return None
        styles = rules.endings(target)
        if ctx.style == rules.POLITE and rules.PLAIN in styles:
            return _(
                "This sentence ends in the plain style (だ/である); "
                "the rest of the translation uses です/ます."
            )
        if ctx.style == rules.PLAIN and rules.POLITE in styles:
            return _(
                "This sentence ends in the polite style (です/ます); "
                "the rest of the translation uses だ/である."
            )
        return None


@register
class EnglishPunctuation(Check):
    """Latin punctuation: English, and languages punctuated like it (Korean)."""

    code = "en_punctuation"
    name = _l("Western punctuation")

    def applies(self, source: Language, target: Language) -> bool:
        return not target.full_width

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        if "  " in target:
            return _("Remove the double space.")
        if re.search(r"[。、「」]", target):
            return _("Use . , and “ ” in this text, not 。、 and 「」.")
        if source.rstrip()[-1:] in "。．.!?！？" and target.rstrip()[-1:] not in '.!?"”’)':
            return _("End the sentence with a full stop, as the source does.")
        return None


@register
class GlossaryTerms(Check):
    code = "glossary"
    name = _l("Glossary term")

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        from webapp.glossary.masking import find

        for _start, _end, term in find(source, ctx.terms):
            if term.required and term.target.casefold() not in target.casefold():
                return _(
                    "Glossary: “%(source)s” is “%(target)s”.",
                    source=term.source,
                    target=term.target,
                )
        return None


@register
class ForbiddenTerms(Check):
    code = "forbidden"
    name = _l("Forbidden rendering")
    severity = Severity.ERROR

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        from webapp.glossary.masking import find

        for _start, _end, term in find(source, ctx.terms):
            for wrong in term.forbidden:
                if wrong.casefold() in target.casefold():
                    return _(
                        "“%(wrong)s” must not be used for “%(source)s”; use “%(target)s”.",
                        wrong=wrong,
                        source=term.source,
                        target=term.target,
                    )
        return None
