"""Read the text of an official release into a draft summary (pure: text in, plain data out).

Recognised: the headline, a dateline (``WASHINGTON, Jan. 15, 2026 —`` or a date in the text),
paragraphs, quotes with their speakers ("…," Hegseth said. / 「…」と述べた), photo blocks (alt
text, title, caption, ``Credit:`` and ``VIRIN:`` lines) and a "Related Stories" list. Website
chrome (the .gov banner) is set aside in ``skipped``; anything else that is not prose stays in the
body and is listed in ``unrecognised``, so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from flask import has_app_context

from webapp.core.locales import LOCALES
from webapp.languages import DEFAULT, KNOWN, Language, known, numerals, sentences
from webapp.languages import get as language
from webapp.summaries import recognise

# "TOKYO — …", "WASHINGTON, Jan. 15, 2026 — …", "CANBERRA, Australia, March 10, 2026 —" (alone).
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{1,40}(?:, [A-Z][A-Za-z .'-]{1,40}?)?)"
    r"(?:, (?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}))?\s*[—–](?:\s+|$)"
)
# "Jan. 15, 2026 | By Name, DOD News", "By Name", or a date alone (written the way of any
# language), before the first paragraph.
_ANY_DATE = "|".join(
    re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)
    for lang in known()
    for pattern in lang.release.dates
)
_BYLINE = re.compile(rf"^(?:(?:{_ANY_DATE})\s*(?:\|.*)?|By [A-Z].{{0,80}})$")
_CHROME = re.compile(
    r"^(An official website of the United States Government|Here's how you know|"
    r"Official websites use \.gov|\.gov website belongs to|Secure \.gov websites use HTTPS|"
    r"A lock \()",
    re.IGNORECASE,
)


def _labels(words: list[str]) -> str:
    """An alternation of literal words, the longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CREDIT = re.compile(
    rf"^(?:{_labels([w for lang in known() for w in lang.release.credit_labels])})"
    r"\s*[:：]\s*(.+)$",
    re.IGNORECASE,
)
_VIRIN = re.compile(r"^(?:VIRIN|Image ID)\s*[:：]\s*(\S.*)$", re.IGNORECASE)
_RELATED = re.compile(
    rf"^({_labels([w for lang in known() for w in lang.release.related_labels])})\s*$",
    re.IGNORECASE,
)


# A Japanese readout's numbered headings: "１　日時", "2. 場所", "３　出席者", "４　概要".
_SECTION = re.compile(r"^[0-9０-９]{1,2}[\s　.．、]*(?P<name>日時|場所|出席者|概要)$")
_SIDE = re.compile(r"^[^：:]{1,8}側\s*[：:]\s*")


def _date(text: str) -> str:
    """The first date of the text, written the way of any known language (English first),
    else the first full date the numeral reader finds (令和８年１月１５日, full-width digits)."""
    for lang in known():
        found = lang.release.read_date(text)
        if found is not None:
            return found.isoformat()
    for d in numerals.dates(text):
        if d.year is not None and d.day is not None:
            return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    return ""


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _photo(lines: list[str]) -> dict[str, str] | None:
    """A block with a Credit: or VIRIN: line: [alt] [title] caption, Credit:, VIRIN:."""
    credit = next((m[1] for m in map(_CREDIT.match, lines) if m), "")
    image_id = next((m[1] for m in map(_VIRIN.match, lines) if m), "")
    if not credit and not image_id:
        return None
    words = [ln for ln in lines if not _CREDIT.match(ln) and not _VIRIN.match(ln)]
    caption = words[-1] if words else ""
    before = words[:-1]
    title = before[-1] if before and not before[-1].endswith((".", "。")) else ""
    if title:
        before = before[:-1]
    return {
        "alt": " ".join(before),
        "title": title,
        "caption": caption,
        "credit": credit,
        "image_id": image_id,
    }


def photo_words(photo: dict[str, str], locale: str) -> dict[str, str]:
    """The words a photo read from a release is saved with. Its title ("Table Talk") has no
    field of its own, so it opens the caption ("Table Talk: Officers review …") rather than
    being dropped; the liaison sees it in the form and can change it."""
    caption, title = photo["caption"], photo["title"]
    if title:
        caption = f"{title}{language(locale).label_separator}{caption}" if caption else title
    return {
        "caption": caption,
        "alt": photo["alt"],
        "credit": photo["credit"],
        "image_id": photo["image_id"],
    }


def _quotes(paragraph: str, lang: Language) -> list[dict[str, str]]:
    """The quotes of a paragraph in the order they appear, each read once by the first of the
    language's forms that matches it."""
    found: list[tuple[int, dict[str, str]]] = []
    taken: list[range] = []
    for form in lang.release.quotes:
        for m in form.finditer(paragraph):
            span = range(m.start("text"), m.end("text"))
            if any(span.start < t.stop and t.start < span.stop for t in taken):
                continue
            taken.append(span)
            speaker = (m["speaker"] or "").strip() or _subject(paragraph, m.start())
            found.append((span.start, {"speaker": speaker, "text": m["text"].strip()}))
    return [quote for _start, quote in sorted(found, key=lambda item: item[0])]


_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”]?\s+)(?=[A-Z])")
_NAME_FIRST = re.compile(r"((?:[A-Z][\w.'-]*\s){1,3}?)(?=[a-z])")
_NOT_NAMES = {"The", "A", "An", "This", "That", "These", "They", "He", "She", "It", "Both", "We"}


def _subject(paragraph: str, before: int) -> str:
    """The name that opens the sentence ending at `before` ("Hegseth told …"), or ""."""
    starts = [m.end() for m in _SENTENCE_START.finditer(paragraph, 0, before)]
    m = _NAME_FIRST.match(paragraph, starts[-1] if starts else 0)
    name = m[1].strip() if m else ""
    return "" if not name or name.split()[0] in _NOT_NAMES else name


def _is_prose(line: str) -> bool:
    return len(line) > 40 and line.rstrip()[-1:] in '.。!?！？"”」'


def release_language(text: str, locales: Sequence[str] | None = None) -> Language:
    """The language a release is written in: of `locales` (by default the configured ones, or
    every known one outside an app), the one whose script fills the most of the text, if more
    than a tenth of it; else the default (English)."""
    if locales is None:
        locales = tuple(LOCALES) if has_app_context() else tuple(KNOWN)
    best, most = DEFAULT, len(text) // 10
    for code in locales:
        lang = language(code)
        if lang is DEFAULT:
            continue
        count = len(lang.letter_pattern().findall(text))
        if count > most:
            best, most = lang, count
    return best


def _section(block: list[str], out: dict[str, Any], paragraphs: list[str]) -> bool:
    """Read a readout's numbered section (日時, 場所, 出席者, 概要); False if not one."""
    m = _SECTION.match(block[0])
    if m is None:
        return False
    rest = block[1:]
    if m["name"] == "日時":
        out["meeting_date"] = _date(" ".join(rest)) or out["meeting_date"]
        out["skipped"].extend(block)
    elif m["name"] == "場所":
        out["location"] = " ".join(rest).strip()
        out["location_found"] = "labelled" if out["location"] else ""
        out["skipped"].extend(block)
    elif m["name"] == "出席者":
        for line in rest:
            line = _SIDE.sub("", line).strip()
            out["_people"].extend(recognise.people_in(line, "labelled"))
        out["skipped"].extend(block)
    else:
        for line in rest:
            line = line.strip("　 ")
            if not out["lede"]:
                out["lede"] = line
            else:
                paragraphs.append(line)
    return True


def _title_block(block: list[str], out: dict[str, Any]) -> list[str]:
    """The headline's lines without a byline or date written right under it (in one block)."""
    head, *rest = block
    kept = [head]
    for line in rest:
        if _BYLINE.match(line):
            out["skipped"].append(line)
        else:
            kept.append(line)
    return kept


def _is_dateline_block(block: list[str]) -> bool:
    """Short lines, not prose, that hold a date: an issuing line (令和８年１月１５日 / 防衛省)."""
    return (
        len(block) <= 3
        and all(len(ln) <= 30 and not re.search(r"[、。，．,;]|\s\w+\s", ln) for ln in block)
        and bool(_date(" ".join(block)))
    )


MISSING_ORDER = ("title", "meeting_date", "location", "countries", "participants", "lede")


def parse_release(
    text: str,
    locales: Sequence[str] | None = None,
    topics: Iterable[tuple[str, Iterable[str]]] = (),
) -> dict[str, Any]:
    """A draft summary from a release's text, shaped like the create payload plus what was seen
    and how it was found (see `recognise`). `topics`: (slug, names) of the topic vocabulary."""
    lang = release_language(text, locales)
    out: dict[str, Any] = {
        "source_locale": lang.code,
        "title": "",
        "meeting_date": _date(text),
        "location": "",
        "location_found": "",
        "countries": [],
        "participants": [],
        "topics": [],
        "lede": "",
        "body": "",
        "quotes": [],
        "photos": [],
        "related": [],
        "unrecognised": [],
        "skipped": [],
        "missing": [],
        "no_structure": False,
        "_people": [],
    }
    paragraphs: list[str] = []
    related = False
    for block in _blocks(text):
        if related:
            out["related"].extend(block)
            continue
        if all(_CHROME.match(ln) for ln in block):
            out["skipped"].extend(block)
            continue
        if _RELATED.match(block[0]):
            related = True
            out["related"].extend(block[1:])
            continue
        if (photo := _photo(block)) is not None:
            out["photos"].append(photo)
            continue
        if out["title"] and _section(block, out, paragraphs):
            continue
        if not out["title"]:
            block = _title_block(block, out)
        joined = sentences.join_lines(block)  # no space between wrapped Japanese lines
        if not out["title"] and (not _is_prose(joined) or len(joined) <= 150):
            out["title"] = joined
            continue
        if not out["lede"]:
            if _BYLINE.match(joined):
                out["skipped"].append(joined)
                continue
            if m := _DATELINE.match(joined):
                out["location"] = m["place"].strip().title()
                out["location_found"] = "dateline"
                if m["date"]:
                    out["meeting_date"] = _date(m["date"]) or out["meeting_date"]
                joined = joined[m.end() :].strip()
                if not joined:  # the dateline stood on its own line
                    continue
            elif _is_dateline_block(block):
                out["skipped"].extend(block)
                continue
            out["lede"] = joined
            continue
        if not _is_prose(joined):
            out["unrecognised"].append(joined)
        paragraphs.append(joined)
        out["quotes"].extend(_quotes(joined, lang))
    out["body"] = "\n\n".join(paragraphs)
    if not out["lede"] and not paragraphs and not out["photos"]:
        # "lol", or any text without a headline followed by paragraphs: keep it in the body
        # rather than make it the title, and say so.
        out["no_structure"] = True
        out["body"], out["title"] = out["title"], ""
    _recognise(out, paragraphs, topics)
    return out


def _recognise(
    out: dict[str, Any], paragraphs: list[str], topics: Iterable[tuple[str, Iterable[str]]]
) -> None:
    """Participants, place, countries and topics; quotes' speakers named in full."""
    lede, rest = out["lede"], "\n\n".join(paragraphs)
    found = [p for _at, p in out.pop("_people")]
    found += [p for _at, p in recognise.people_in(lede, "first")]
    found += [p for _at, p in recognise.people_in(rest, "text")]
    for photo in out["photos"]:  # captions often name people in full
        found += [p for _at, p in recognise.people_in(photo["caption"], "caption")]
    people = recognise.merge_people(found)
    # A person named only in a caption is not taken to have met: keep those the text names.
    words = f"{out['title']} {lede} {rest}"
    out["participants"] = [p for p in people if recognise.key(p["name"]) in words]
    for quote in out["quotes"]:
        quote["speaker"] = recognise.full_speaker(quote["speaker"], out["participants"])
    place_country = ""
    if not out["location"]:
        out["location"], place_country, out["location_found"] = recognise.place_in(lede, rest)
    out["countries"] = recognise.countries_of(
        out["participants"], f"{out['title']}\n{lede}", place_country
    )
    out["topics"] = recognise.topics_in(f"{out['title']}\n{lede}\n{rest}", topics)
    out["missing"] = [name for name in MISSING_ORDER if not out[name]]
