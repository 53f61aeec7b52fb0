"""The quality checks run on every draft and save (tables of cases in tests/unit/qa/)."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.qa.registry import Check, Context, Severity, register

_JA_CHAR = r"[\u3040-\u30ff\u3400-\u9fff]"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_URL_OR_MAIL = re.compile(
    r"https?://[^\s<>\"'）」]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\d{6}-[A-Z]-[A-Z0-9]{5}-\d{3,4}\b"
)
_PLACEHOLDER = re.compile(r"⟦\d+⟧|\{\d+\}|%\([a-z_]+\)s")
_LOOP = re.compile(r"(.{2,30}?)\1{3,}", re.S)
_DOUBLED_WORD = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE)


_MONTHS = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?(?=\s+\d)", re.IGNORECASE
)
_MONTH_NUMBER = {
    m: str(i)
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _numbers(text: str) -> list[str]:
    """Numbers as digits: full-width folded, separators dropped, English months as numbers
    (so "Jan. 15, 2026" and "2026年1月15日" hold the same numbers)."""
    folded = unicodedata.normalize("NFKC", text)
    months = [_MONTH_NUMBER[m.group(1).lower()] for m in _MONTHS.finditer(folded)]
    return [n.replace(",", "") for n in _NUMBER.findall(folded)] + months


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
    code = "numbers"
    name = _l("Numbers differ")

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        remaining = _numbers(target)
        missing = []
        for number in _numbers(source):
            if number in remaining:
                remaining.remove(number)
            else:
                missing.append(number)
        if missing:
            return _(
                "Numbers in the source are missing here: %(numbers)s.", numbers=", ".join(missing)
            )
        return None


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
            if term.target.casefold() not in target.casefold():
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
