"""Numbers and dates read out of English or Japanese text as values, so two sides can be compared.

Pure functions, no Flask. Both sides are width-folded (NFKC) first, so ２０２６ and 2026 agree.

Numbers. Arabic numerals always count ("1,000", "2.5", "F-35"), with a scale after them: Japanese
万/億/兆 and 十/百/千 ("1万", "3.5億", "1,000万", "3千") or an English scale word ("5 million",
"3.5 billion"). So "5 million" == 500万 == 5,000,000 and "200,000" == 20万.

Kanji numerals are also words (一部, 一致, 一層, 唯一, 一方, 万全, 十分), so a run of them is a
*firm* number (one the other side must hold) only when
  - it mixes in Arabic digits (2億5000万), or
  - it has two or more numeral kanji that form a number, led by 一-九 or 十/百/千
    (二千二十六, 三十五, 一〇〇, 二億五千万; not 万一), or
  - it follows 第 (第一 is the ordinal 1, as "1st"/"first" are), or
  - a counter or unit follows it (一人, 三カ国, 百人, 五年, 一月).
Other kanji runs (一 in 一致, 百 in 百貨店) and English number words ("one" to "twelve", "first" to
"twelfth") and lone month names are *soft*: they may stand for a number on the target side, but the
source never demands them, because "the two ministers" is usually 両大臣 and "one another" has no
number. A run next to 数/何/幾 (数百人, "hundreds") is an estimate, not a number.

Era years are folded to the Western year (令和8年 -> 2026, 令和元年 -> 2019, 平成N -> 1988+N,
昭和N -> 1925+N). Dates are found first and their numbers are left to the dates check, so a wrong
date is reported once.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_DIGIT = {c: i % 10 for i, c in enumerate("零一二三四五六七八九〇")}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10**4, "億": 10**8, "兆": 10**12}
_KANJI = "〇零一二三四五六七八九十百千万億兆"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_RUN = re.compile(rf"(?:{_ARABIC}|[{_KANJI}])+")
_ENGLISH_SCALE = re.compile(r"\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
_ENGLISH_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_COUNTER = re.compile(
    r"(?:年|か月|カ月|ヶ月|ヵ月|月|日|人|名|回|件|か国|カ国|ヶ国|ヵ国|隻|機|個|つ|台|発|時間|週間|"
    r"歳|円|ドル|倍|%|か所|カ所|ヶ所|箇所|項目|番目|回目|社|条|章|号|期|位)"
)
# Words whose numeral kanji are not numbers even before a counter or in a run of two; only where
# no numeral (or 時) comes right before: 三十分 is "30 minutes", 三時十分 3:10, 一万一千 11000.
_NOT_NUMBERS = re.compile(
    rf"(?<![{_KANJI}\d時])(?:"
    r"一日も早|一刻も早|一人ひとり|一人一人|五十嵐|十分|万一|三位一体|一石二鳥|十人十色|千載一遇|"
    r"一朝一夕|一長一短)"
)
_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
_WORD = re.compile(r"\b(" + "|".join(_WORDS + _ORDINALS) + r")\b", re.IGNORECASE)
_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            "January Jan",
            "February Feb",
            "March Mar",
            "April Apr",
            "May",
            "June Jun",
            "July Jul",
            "August Aug",
            "September Sept Sep",
            "October Oct",
            "November Nov",
            "December Dec",
        ),
        1,
    )
    for name in names.split()
}
_MON = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_MONTH_WORD = re.compile(r"\b" + _MON)
_KNUM = "[〇一二三四五六七八九十]"
_ERA_START = {"令和": 2018, "平成": 1988, "昭和": 1925}
_ERA = rf"(?P<era>令和|平成|昭和)\s*(?P<eyear>元|\d{{1,2}}|{_KNUM}{{1,3}})\s*年"
_ERA_YEAR = re.compile(_ERA)
_DATES = (
    re.compile(rf"\b{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON}(?:,?\s+(?P<year>\d{{4}})\b)?"),
    re.compile(rf"\b{_MON},?\s+(?P<year>\d{{4}})\b"),
    re.compile(r"(?<![\d-])(?P<year>\d{4})([-/])(?P<month>\d{1,2})\2(?P<day>\d{1,2})(?![\d-])"),
    re.compile(
        rf"(?:(?<!\d)(?P<year>\d{{4}}|[〇一二三四五六七八九]{{4}})\s*年\s*|{_ERA}\s*)?"
        rf"(?<!\d)(?P<month>\d{{1,2}}|{_KNUM}{{1,3}})\s*月"
        rf"(?:\s*(?P<day>\d{{1,2}}|{_KNUM}{{1,3}})\s*日)?"
    ),
)


@dataclass(frozen=True)
class Number:
    value: Decimal
    text: str  # as written (width-folded)
    firm: bool  # False: a word that may stand for this number but is never demanded


@dataclass(frozen=True)
class Date:
    year: int | None
    month: int
    day: int | None  # None: a month of a year ("January 2026")
    text: str

    def same(self, other: Date) -> bool:
        """The same day (or month); a side without the year matches any year."""
        return (self.month, self.day) == (other.month, other.day) and (
            self.year is None or other.year is None or self.year == other.year
        )


def fold(text: str) -> str:
    """Full-width digits and letters to ASCII (２０２６ -> 2026), ㍻-style ligatures opened."""
    return unicodedata.normalize("NFKC", text)


def kanji_value(run: str) -> Decimal | None:
    """The value of a numeral run (二億五千万, 1,000万, 3.5億, 二〇二六, 35); None if none."""
    parts = re.split(r"([万億兆])", run)
    total, last = Decimal(0), 10**16
    for small, big in zip(parts[0:-1:2], parts[1::2], strict=True):
        value = _small_value(small)
        if value is None or _BIG[big] >= last:
            return None  # 万 with nothing before it (万一, 万全), or 万億
        total += value * _BIG[big]
        last = _BIG[big]
    if parts[-1]:
        rest = _small_value(parts[-1])
        if rest is None:
            return None
        total += rest
    return total


def _small_value(text: str) -> Decimal | None:
    """A number below the big scales: 3.5, 1,000, 二千二十六, 5千, 百, 一〇〇."""
    tokens = re.findall(rf"{_ARABIC}|[〇零一二三四五六七八九]+|[十百千]", text)
    if not tokens or "".join(tokens) != text:
        return None
    total, current, last_unit = Decimal(0), None, 10**4
    for token in tokens:
        if token in _SMALL:
            if _SMALL[token] >= last_unit:
                return None
            total += (current if current is not None else 1) * _SMALL[token]
            current, last_unit = None, _SMALL[token]
        elif current is not None:
            return None  # two numbers side by side
        elif token[0].isdigit():
            try:
                current = Decimal(token.replace(",", ""))
            except InvalidOperation:
                return None
        else:
            current = Decimal("".join(str(_DIGIT[c]) for c in token))
    return total + (current or 0)


def _era_year(era: str, year: str) -> int | None:
    n = 1 if year == "元" else _int(year)
    return None if n is None else _ERA_START[era] + n


def _int(text: str) -> int | None:
    value = text if text.isdigit() else kanji_value(text)
    return None if value is None else int(value)


def dates(text: str) -> list[Date]:
    """Dates in the text: a day (with or without its year) or a month of a year."""
    return [d for _start, _end, d in _date_spans(fold(text))]


def _date_spans(folded: str) -> list[tuple[int, int, Date]]:
    found: list[tuple[int, int, Date]] = []
    matches = sorted(
        (m for pattern in _DATES for m in pattern.finditer(folded)),
        key=lambda m: (m.start(), -m.end()),
    )
    end = -1
    for m in matches:
        if m.start() < end:
            continue
        date = _date(m)
        if date is not None:
            found.append((m.start(), m.end(), date))
            end = m.end()
    return found


def _date(m: re.Match[str]) -> Date | None:
    groups = m.groupdict()
    month = _MONTHS[groups["mon"]] if groups.get("mon") else _int(groups["month"] or "")
    day = _int(groups["day"]) if groups.get("day") else None
    if groups.get("era"):
        year = _era_year(groups["era"], groups["eyear"])
    else:
        year = _int(groups["year"]) if groups.get("year") else None
    if month is None or (day is None and year is None):
        return None  # a month alone (1月, "May") is not a date
    try:
        datetime.date(year or 2000, month, day or 1)
    except ValueError:
        return None
    return Date(year, month, day, m.group(0).strip())


def numbers(text: str) -> list[Number]:
    """The numbers in the text, outside any date (see the module docstring for the rule)."""
    folded = fold(text)
    for start, end, _date in _date_spans(folded):
        folded = _blank(folded, start, end)
    found = []
    for m in _ERA_YEAR.finditer(folded):
        year = _era_year(m["era"], m["eyear"])
        if year is not None:
            found.append(Number(Decimal(year), m.group(0), True))
            folded = _blank(folded, m.start(), m.end())
    for m in _NOT_NUMBERS.finditer(folded):
        folded = _blank(folded, m.start(), m.end())
    for m in _RUN.finditer(folded):
        number = _number(folded, m)
        if number is not None:
            found.append(number)
    found += [Number(Decimal(_word_value(m[1])), m[1], False) for m in _WORD.finditer(folded)]
    found += [Number(Decimal(_MONTHS[m["mon"]]), m[0], False) for m in _MONTH_WORD.finditer(folded)]
    return found


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _word_value(word: str) -> int:
    word = word.lower()
    return (_WORDS.index(word) if word in _WORDS else _ORDINALS.index(word)) + 1


def _number(text: str, m: re.Match[str]) -> Number | None:
    run, start, end = m.group(0), m.start(), m.end()
    value = kanji_value(run)
    if value is None:
        return None
    before, after = text[start - 1 : start], text[end : end + 1]
    if re.search(r"\d", run):
        scale = _ENGLISH_SCALE.match(text, end) if run[-1].isdigit() else None
        if scale:
            return Number(value * _ENGLISH_SCALES[scale[1].lower()], run + scale[0], True)
        return Number(value, run, True)
    if (before and before in "数何幾") or after == "数":
        return None  # 数百人: an estimate
    firm = (
        (len(run) >= 2 and run[0] in "一二三四五六七八九十百千")
        or before == "第"
        or _COUNTER.match(text, end) is not None
    )
    return Number(value, run, firm)
