"""Who met, where, which countries and which topics, read from a release by rules and the
gazetteer (pure: text in, plain data out).

Each thing read says how it was found, so the import page can tell the liaison how sure it is:

- a person: ``first`` (named with a title in the first paragraph), ``text`` (named with a title
  further on) or ``labelled`` (listed under a heading such as 出席者); their country ``named``
  ("Japan's defense minister") or ``title`` (guessed from a title only one government has);
- the place: ``dateline``, ``labelled`` (場所), ``first`` (named in the first paragraph) or
  ``text``;
- a country: ``named`` (in the headline or first paragraph), ``participant`` or ``place``;
- a topic: ``name`` (its name is in the text) or ``keyword`` (the words of its slug are).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from webapp.summaries import gazetteer

_EN_COUNTRY = rf"(?:{gazetteer.english_countries()})(?:['’]s)?"
# "Secretary of War Pete Hegseth", "Japan's Defense Minister Shinjirō Koizumi",
# "U.S. Ambassador to Japan George Glass": a capitalised title, then the name.
_TITLE_FIRST = re.compile(
    rf"(?<![\w-])(?:(?P<country>{_EN_COUNTRY})\s+)?"
    # "Deputy Prime Minister and Minister for Defence Richard Marles": the last title is kept.
    rf"(?:(?:{gazetteer.title_alternation(False)})\s+and\s+)?"
    rf"(?P<title>{gazetteer.title_alternation(False)})"
    rf"(?:\s+to\s+(?:the\s+)?(?P<to>{_EN_COUNTRY}))?\s+(?=[^\W\d_])"
)
# "Shinjirō Koizumi, Japan's defense minister," / "Gilberto Teodoro, the Philippine secretary
# of national defense": the name, then its title in any case.
_NAME_FIRST = re.compile(
    r"(?<![\w'’.-])(?P<name>(?:[^\W\d_][\w'’.-]*+\s+){0,3}[^\W\d_][\w'’-]*+),\s+(?:the\s+)?"
    rf"(?:(?P<country>{_EN_COUNTRY})\s+)?(?i:(?P<title>{gazetteer.title_alternation(False)}))"
    r"(?=[\s,.;]|$)"
)
_JA_COUNTRY_WORDS = (
    "豪州",
    "米国",
    "日本",
    "韓国",
    "英国",
    "豪",
    "米",
    "韓",
    "英",
    "仏",
    "独",
    "比",
)
# 小泉防衛大臣, ヘグセス戦争長官, ピート・ヘグセス長官.
_JA_PERSON = re.compile(
    r"(?P<name>[\u30a1-\u30fa\u30fb\u30fc]{2,16}|[\u4e00-\u9fff々]{2,5}?)"
    rf"(?P<country>{'|'.join(_JA_COUNTRY_WORDS)})?"  # ペニー・ウォン豪州外務大臣
    rf"(?P<title>{gazetteer.title_alternation(True)})"
)
_NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "This",
        "That",
        "These",
        "They",
        "He",
        "She",
        "It",
        "Both",
        "We",
        "His",
        "Her",
        "Our",
        "Their",
        "And",
        "But",
        "Today",
        "Secretary",
        "Minister",
        "Deputy",
        "Ambassador",
        "President",
        "Chief",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)
_JA_NOT_NAMES = frozenset(
    {"両", "同", "日米", "日豪", "日韓", "米国", "日本", "両国", "米", "前", "元"}
)


def _capitalised_tail(words: Sequence[str], most: int = 3) -> list[str]:
    """The capitalised words at the end of `words` (at most `most`)."""
    tail: list[str] = []
    for word in reversed(words):
        if not word[:1].isupper() or word in _NOT_NAMES or len(tail) == most:
            break
        tail.insert(0, word)
    return tail


def _name_after(text: str, start: int) -> str:
    """The capitalised words (1-3) that follow `start`: a name after its title."""
    words: list[str] = []
    for m in re.finditer(r"[^\W\d_][\w'’.-]*", text[start : start + 80]):
        word = m[0].rstrip(".")
        gap = text[start + (m.start() - 1)] if m.start() else " "
        if words and gap != " ":
            break
        if not word[:1].isupper() or word in _NOT_NAMES or gazetteer.country_of(word):
            break
        words.append(re.sub(r"['’]s$", "", word))
        if m[0].endswith("'s") or m[0].endswith("’s") or len(words) == 3:
            break
        after = text[start + m.end() : start + m.end() + 1]
        if after != " ":
            break
    return " ".join(words)


def key(name: str) -> str:
    """What two mentions of one person share: the surname (the last word, or the part after
    the last ・ of a Japanese name written in katakana)."""
    return re.split(r"[\s・]", name.strip())[-1]


def _person(name: str, title: gazetteer.Title | None, country: str, found: str) -> dict[str, str]:
    named = gazetteer.country_of(country) if country else ""
    implied = title.country if title else ""
    return {
        "name": name,
        "role": title.role if title else "",
        "country": named or implied,
        "found": found,
        "country_found": "named" if named else ("title" if implied else ""),
    }


def people_in(text: str, found: str) -> list[tuple[int, dict[str, str]]]:
    """(position, person) of everyone the text names with a title."""
    people: list[tuple[int, dict[str, str]]] = []
    for m in _TITLE_FIRST.finditer(text):
        name = _name_after(text, m.end())
        if name:
            title = gazetteer.title_of(m["title"])
            people.append((m.start(), _person(name, title, m["country"] or "", found)))
    for m in _NAME_FIRST.finditer(text):
        words = _capitalised_tail(m["name"].split())
        if words and not gazetteer.country_of(" ".join(words)):
            title = gazetteer.title_of(m["title"])
            people.append(
                (m.start("name"), _person(" ".join(words), title, m["country"] or "", found))
            )
    for m in _JA_PERSON.finditer(text):
        if m["name"] not in _JA_NOT_NAMES and not m["name"].endswith(("国", "省", "側", "州")):
            title = gazetteer.title_of(m["title"])
            people.append((m.start(), _person(m["name"], title, m["country"] or "", found)))
    return sorted(people, key=lambda item: item[0])


def merge_people(people: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """One entry per person (by surname), in the order first named: the fullest name, the first
    role, the first country (one named in the text before one guessed from a title)."""
    merged: dict[str, dict[str, str]] = {}
    for person in people:
        seen = merged.get(key(person["name"])) or _same_kanji_name(merged, person["name"])
        if seen is None:
            merged[key(person["name"])] = dict(person)
            continue
        if len(person["name"]) > len(seen["name"]):
            seen["name"] = person["name"]
        if not seen["role"] or (person["country"] and not seen["country"] and person["role"]):
            seen["role"] = person["role"] or seen["role"]
        if person["country_found"] == "named" and seen["country_found"] != "named":
            seen["country"], seen["country_found"] = person["country"], "named"
        elif not seen["country"]:
            seen["country"], seen["country_found"] = person["country"], person["country_found"]
    return list(merged.values())


def _same_kanji_name(merged: dict[str, dict[str, str]], name: str) -> dict[str, str] | None:
    """A Japanese name written in kanji whole (茂木敏充) and by surname (茂木): one person."""
    if not re.fullmatch(r"[\u4e00-\u9fff々]+", name):
        return None
    return next(
        (p for p in merged.values() if p["name"].startswith(name) or name.startswith(p["name"])),
        None,
    )


_TITLE_WORDS = re.compile(rf"^(?:(?:{gazetteer.title_alternation(False)})\s+)+")


def full_speaker(speaker: str, people: Sequence[dict[str, str]]) -> str:
    """A quote's speaker named in full when the release named the person earlier
    ("Hegseth" -> "Pete Hegseth", "Ambassador Glass" -> "George Glass")."""
    bare = _TITLE_WORDS.sub("", speaker).strip()
    if not bare:
        return speaker
    for person in people:
        name = person["name"]
        if key(name) == key(bare) or name.startswith(bare) or bare.startswith(name):
            return name if len(name) >= len(bare) else bare
    return speaker


def place_in(first: str, rest: str) -> tuple[str, str, str]:
    """(location, country, how) of the meeting: a venue before a city, the first paragraph
    before the rest of the text."""
    for text, how in ((first, "first"), (rest, "text")):
        places = [p for _at, p in gazetteer.places_in(text)]
        best = next((p for p in places if p.venue), None) or (places[0] if places else None)
        if best is not None:
            return best.location, best.country, how
    return "", "", ""


def countries_of(
    people: Sequence[dict[str, str]], named_in: str, place_country: str
) -> list[dict[str, str]]:
    """The countries of the meeting: the participants', then those the headline and first
    paragraph name, then the place's."""
    found: dict[str, str] = {}
    for person in people:
        if person["country"]:
            found.setdefault(person["country"], "participant")
    for _at, code in gazetteer.countries_in(named_in):
        found.setdefault(code, "named")
    if place_country:
        found.setdefault(place_country, "place")
    return [{"code": code, "found": how} for code, how in found.items()]


def topics_in(text: str, topics: Iterable[tuple[str, Iterable[str]]]) -> list[dict[str, Any]]:
    """The topics of the vocabulary the text mentions: by one of its names, or by the words of
    its slug ("defense-industry": "defense industry")."""
    suggested: list[dict[str, Any]] = []
    folded = text.casefold()
    for slug, names in topics:
        name = next((n for n in names if n and n.casefold() in folded), None)
        if name is not None:
            suggested.append({"slug": slug, "found": "name", "word": name})
            continue
        words = slug.replace("-", " ").replace("_", " ")
        if m := re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text, re.IGNORECASE):
            suggested.append({"slug": slug, "found": "keyword", "word": m[0]})
    return suggested
