"""The small gazetteer the release importer reads people, places and countries with.

Countries are named from CLDR (through Babel, in English and Japanese) plus the adjectives and
short forms releases use ("Japanese", "U.S.", "米", "日米"); titles and places are the few a
bilateral defense release names. Pure data and lookups: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale

from webapp.core.countries import country_codes

# Adjectives and short forms CLDR does not list as names (English; matched as whole words).
_EN_ALIASES = {
    "U.S.": "US",
    "US": "US",
    "America": "US",
    "American": "US",
    "United States of America": "US",
    "Japanese": "JP",
    "Australian": "AU",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "South Korean": "KR",
    "Korean": "KR",
    "Philippine": "PH",
    "Filipino": "PH",
    "British": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "French": "FR",
    "German": "DE",
    "Indian": "IN",
    "Canadian": "CA",
    "Italian": "IT",
    "Chinese": "CN",
    "New Zealand": "NZ",
}
_JA_ALIASES = {"米国": "US", "アメリカ": "US", "豪州": "AU", "英国": "GB", "韓国": "KR"}
# One-character country names of Japanese compounds (日米, 日豪, 米韓).
_JA_SHORT = {
    "日": "JP",
    "米": "US",
    "豪": "AU",
    "韓": "KR",
    "英": "GB",
    "仏": "FR",
    "独": "DE",
    "印": "IN",
    "比": "PH",
    "加": "CA",
    "伊": "IT",
    "中": "CN",
}
_JA_PAIR = re.compile(
    rf"([{''.join(_JA_SHORT)}])([{''.join(_JA_SHORT)}])"
    r"(?=防衛|首脳|外相|外務|同盟|会談|共同|間|両|安全|[2２]\+[2２])"
)
_JA_SIDE = re.compile(rf"([{''.join(_JA_SHORT)}])側")
# English names that are also ordinary words or people's names: never read as countries.
_EN_SKIP = frozenset({"Jordan", "Chad", "Georgia", "Turkey", "Guinea", "Niger", "Dominica"})


@cache
def _country_names() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    en: dict[str, str] = {}
    ja: dict[str, str] = {}
    codes = country_codes()
    for code, name in Locale("en").territories.items():
        if code in codes and name not in _EN_SKIP:
            en[str(name)] = str(code)
    for code, name in Locale("ja").territories.items():
        if code in codes and len(str(name)) > 1:
            ja[str(name)] = str(code)
    en.update(_EN_ALIASES)
    ja.update(_JA_ALIASES)
    words = "|".join(re.escape(w) for w in sorted(en, key=len, reverse=True))
    # "Japan's", "U.S.-Japan" and "the U.S." alike; a name is not part of a longer word.
    en_pattern = re.compile(rf"(?<![\w.])(?:{words})(?!\w)(?:['’]s)?")
    ja_words = "|".join(re.escape(w) for w in sorted(ja, key=len, reverse=True))
    return en_pattern, en, re.compile(ja_words), ja


def country_of(word: str) -> str:
    """The ISO code of a country's name or adjective ("Japan's", "Japanese", "日本"), or ""."""
    _en, en, _ja, ja = _country_names()
    word = re.sub(r"['’]s$", "", word.strip())
    if len(word) == 1:
        return _JA_SHORT.get(word, "")
    return en.get(word) or ja.get(word) or ""


def countries_in(text: str) -> list[tuple[int, str]]:
    """(position, code) of every country the text names, in English or Japanese."""
    en_pattern, en, ja_pattern, ja = _country_names()
    found = [(m.start(), en[re.sub(r"['’]s$", "", m[0])]) for m in en_pattern.finditer(text)]
    found += [(m.start(), ja[m[0]]) for m in ja_pattern.finditer(text)]
    for m in _JA_PAIR.finditer(text):
        found += [(m.start(1), _JA_SHORT[m[1]]), (m.start(2), _JA_SHORT[m[2]])]
    found += [(m.start(), _JA_SHORT[m[1]]) for m in _JA_SIDE.finditer(text)]
    return sorted(found)


def english_countries() -> str:
    """A regular-expression alternation of English country names and adjectives."""
    _en_pattern, en, _ja, _ja_names = _country_names()
    return "|".join(re.escape(w) for w in sorted(en, key=len, reverse=True))


@dataclass(frozen=True)
class Title:
    """A title a release gives a person: how it is written, the role to save, and the country
    it implies when it belongs to one government only ("Secretary of War": the US)."""

    forms: tuple[str, ...]
    role: str
    country: str = ""


TITLES = (
    Title(
        ("Deputy Secretary of War", "Deputy Secretary of Defense"), "Deputy Secretary of War", "US"
    ),
    Title(("Secretary of War", "War Secretary"), "Secretary of War", "US"),
    Title(("Secretary of Defense", "Defense Secretary"), "Secretary of Defense", "US"),
    Title(("Secretary of State",), "Secretary of State", "US"),
    Title(("Secretary of National Defense",), "Secretary of National Defense", "PH"),
    Title(
        ("Chairman of the Joint Chiefs of Staff",), "Chairman of the Joint Chiefs of Staff", "US"
    ),
    Title(
        ("Chief of Staff, Joint Staff", "Chief of Staff of the Joint Staff"),
        "Chief of Staff, Joint Staff",
        "JP",
    ),
    Title(("Chief of Staff",), "Chief of Staff"),
    Title(
        ("State Minister of Defense", "State Minister of Defence"),
        "State Minister of Defense",
        "JP",
    ),
    Title(
        (
            "Minister of Defense",
            "Minister of Defence",
            "Minister for Defence",
            "Defense Minister",
            "Defence Minister",
        ),
        "Minister of Defense",
    ),
    Title(("Minister for Foreign Affairs", "Foreign Minister"), "Minister for Foreign Affairs"),
    Title(("Deputy Prime Minister",), "Deputy Prime Minister"),
    Title(("Prime Minister",), "Prime Minister"),
    Title(("Vice Minister of Defense", "Vice Minister"), "Vice Minister of Defense"),
    Title(("Deputy Secretary",), "Deputy Secretary"),
    Title(("Ambassador",), "Ambassador"),
    Title(("President",), "President"),
    # Japanese: written after the name (小泉防衛大臣, ヘグセス戦争長官).
    Title(("防衛大臣", "防衛相"), "防衛大臣", "JP"),
    Title(("防衛副大臣",), "防衛副大臣", "JP"),
    Title(("外務大臣", "外相"), "外務大臣", "JP"),
    Title(("内閣総理大臣", "総理大臣", "首相", "総理"), "内閣総理大臣", "JP"),
    Title(("統合幕僚長",), "統合幕僚長", "JP"),
    Title(("戦争長官",), "戦争長官", "US"),
    Title(("国防長官",), "国防長官", "US"),
    Title(("国務長官",), "国務長官", "US"),
    Title(("戦争副長官", "国防副長官"), "戦争副長官", "US"),
    Title(("統合参謀本部議長",), "統合参謀本部議長", "US"),
    Title(("国防大臣", "国防相"), "国防大臣"),
    Title(("大使",), "大使"),
    Title(("大統領",), "大統領"),
    Title(("長官",), "長官"),
    Title(("大臣",), "大臣"),
)


@cache
def _title_index() -> dict[str, Title]:
    return {form.lower(): title for title in TITLES for form in title.forms}


def title_of(text: str) -> Title | None:
    """The title written `text` (any case), or None."""
    return _title_index().get(" ".join(text.split()).lower())


def title_alternation(japanese: bool) -> str:
    """The forms of every English (or Japanese) title, the longest first."""
    forms = [f for t in TITLES for f in t.forms if f.isascii() != japanese]
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


@dataclass(frozen=True)
class Place:
    """A place a meeting is held at, as a release writes it, and as the location field says it."""

    pattern: str
    location: str
    country: str
    venue: bool  # a building or base (more precise than a city)


PLACES = (
    Place(r"\bthe Pentagon\b|\bPentagon\b", "The Pentagon, Washington", "US", True),
    Place(r"\bWhite House\b", "The White House, Washington", "US", True),
    Place(
        r"\bJoint Base Myer-Henderson Hall\b",
        "Joint Base Myer-Henderson Hall, Virginia",
        "US",
        True,
    ),
    Place(
        r"\bMinistry of Defen[cs]e\b(?: in Tokyo| in Ichigaya)",
        "Ministry of Defense, Tokyo",
        "JP",
        True,
    ),
    Place(r"\bPrime Minister's Office\b|\bKantei\b", "Prime Minister's Office, Tokyo", "JP", True),
    Place(r"\bWashington(?:, D\.C\.)?", "Washington", "US", False),
    Place(r"\bTokyo\b", "Tokyo", "JP", False),
    Place(r"\bCanberra\b", "Canberra", "AU", False),
    Place(r"\bSeoul\b", "Seoul", "KR", False),
    Place(r"\bManila\b", "Manila", "PH", False),
    Place(r"\bHonolulu\b", "Honolulu", "US", False),
    Place(r"\bYokosuka\b", "Yokosuka", "JP", False),
    Place(r"\bOkinawa\b", "Okinawa", "JP", False),
    Place(r"国防総省|米国防省|ペンタゴン", "ワシントン、国防総省", "US", True),
    Place(r"防衛省", "東京、防衛省", "JP", True),
    Place(r"首相官邸", "東京、首相官邸", "JP", True),
    Place(r"ホワイトハウス", "ワシントン、ホワイトハウス", "US", True),
    Place(r"ワシントン", "ワシントン", "US", False),
    Place(r"東京", "東京", "JP", False),
    Place(r"キャンベラ", "キャンベラ", "AU", False),
    Place(r"ソウル", "ソウル", "KR", False),
    Place(r"マニラ", "マニラ", "PH", False),
)


@cache
def _place_patterns() -> tuple[tuple[re.Pattern[str], Place], ...]:
    return tuple((re.compile(p.pattern), p) for p in PLACES)


def places_in(text: str) -> list[tuple[int, Place]]:
    """(position, place) of every place of the gazetteer the text names."""
    return sorted(
        (
            (m.start(), place)
            for pattern, place in _place_patterns()
            for m in pattern.finditer(text)
        ),
        key=lambda item: item[0],
    )
