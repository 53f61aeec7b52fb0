"""The quality checks run on every draft and save (tables of cases in tests/unit/qa/)."""

from __future__ import annotations

import datetime
import re

from babel.dates import format_skeleton
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.qa import ja_style, numerals
from webapp.qa.registry import Check, Context, Severity, register

_JA_CHAR = r"[\u3040-\u30ff\u3400-\u9fff]"
_URL_OR_MAIL = re.compile(
    r"https?://[^\s<>\"'）」]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\d{6}-[A-Z]-[A-Z0-9]{5}-\d{3,4}\b"
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
        words = re.findall(r"[A-Za-z\u3040-\u9fff]{2,}", source)
        if len(words) >= 3 and target.strip() == source.strip():
            return _("The translation is the same as the source.")
        return None


@register
class Numbers(Check):
    """Every number of the source, by value, in the target (rules in qa.numerals)."""

    code = "numbers"
    name = _l("Numbers differ")
    description = _l(
        "Each number in the source has the same value in the translation, whether written in "
        "digits, kanji or with a scale (500万 = 5 million)."
    )

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

    # Japanese needs about a third to two thirds of the characters of English.
    BOUNDS = {("en", "ja"): (0.12, 1.5), ("ja", "en"): (0.6, 8.0)}

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        low, high = self.BOUNDS.get((ctx.source_locale, ctx.target_locale), (0.2, 5.0))
        if len(source) < (10 if ctx.source_locale == "ja" else 20) or not target:
            return None
        ratio = len(target) / len(source)
        if ratio < low:
            return _("Much shorter than the source: is something missing?")
        if ratio > high:
            return _("Much longer than the source: is something added?")
        return None


@register
class JapanesePunctuation(Check):
    code = "ja_punctuation"
    name = _l("Japanese punctuation")
    targets = ("ja",)

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        if re.search(_JA_CHAR + r"[.,]", target) or re.search(r"[．，]", target):
            return _("Use 。 and 、 after Japanese text, not . or , (or ． and ，).")
        if re.search(_JA_CHAR + r"[!?()]", target):
            return _("Use full-width ！？（） with Japanese text.")
        if re.search(_JA_CHAR + r" " + _JA_CHAR, target):
            return _("Remove the space between Japanese characters.")
        return None


@register
class Widths(Check):
    code = "ja_width"
    name = _l("Half-width kana or full-width Latin")
    targets = ("ja",)

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        if re.search(r"[\uff61-\uff9f]", target):
            return _("Use full-width katakana, not half-width.")
        if re.search(r"[Ａ-Ｚａ-ｚ０-９]", target):
            return _("Use half-width letters and digits (Ａ１ → A1).")
        return None


@register
class JapaneseStyle(Check):
    """One sentence-ending style through a Japanese summary (qa.ja_style)."""

    code = "ja_style"
    name = _l("Mixed です/ます and だ/である")
    description = _l(
        "A Japanese summary keeps one sentence-ending style: です/ます or だ/である, "
        "whichever most of its sentences use."
    )
    targets = ("ja",)

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        if ctx.style is None or not ja_style.is_prose(ctx.key):
            return None
        styles = ja_style.endings(target)
        if ctx.style == ja_style.POLITE and ja_style.PLAIN in styles:
            return _(
                "This sentence ends in the plain style (だ/である); "
                "the rest of the translation uses です/ます."
            )
        if ctx.style == ja_style.PLAIN and ja_style.POLITE in styles:
            return _(
                "This sentence ends in the polite style (です/ます); "
                "the rest of the translation uses だ/である."
            )
        return None


@register
class EnglishPunctuation(Check):
    code = "en_punctuation"
    name = _l("English punctuation")
    targets = ("en",)

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        if "  " in target:
            return _("Remove the double space.")
        if re.search(r"[。、「」]", target):
            return _("Use English punctuation (. , “ ”) in English text.")
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
