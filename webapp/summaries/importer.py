"""Read the text of an official release into a draft summary (pure: text in, plain data out).

Recognised: the headline, a dateline (``WASHINGTON, Jan. 15, 2026 —`` or a date in the text),
paragraphs, quotes with their speakers ("…," Hegseth said. / 「…」と述べた), photo blocks (alt
text, title, caption, ``Credit:`` and ``VIRIN:`` lines) and a "Related Stories" list. Website
chrome (the .gov banner) is set aside in ``skipped``; anything else that is not prose stays in the
body and is listed in ``unrecognised``, so nothing is lost.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from webapp.languages import sentences

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_EN_DATE = re.compile(r"\b([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})\b")
_JA_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# "TOKYO — …", "WASHINGTON, Jan. 15, 2026 — …", "CANBERRA, Australia, March 10, 2026 —" (alone).
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{1,40}(?:, [A-Z][A-Za-z .'-]{1,40}?)?)"
    r"(?:, (?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}))?\s*[—–](?:\s+|$)"
)
# "Jan. 15, 2026 | By Name, DOD News", "By Name", or a date alone, before the first paragraph.
_BYLINE = re.compile(
    r"^(?:(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{4}年\d{1,2}月\d{1,2}日)\s*(?:\|.*)?"
    r"|By [A-Z].{0,80})$"
)
_CHROME = re.compile(
    r"^(An official website of the United States Government|Here's how you know|"
    r"Official websites use \.gov|\.gov website belongs to|Secure \.gov websites use HTTPS|"
    r"A lock \()",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"^(?:Credit|Photo credit|写真)\s*[:：]\s*(.+)$", re.IGNORECASE)
_VIRIN = re.compile(r"^(?:VIRIN|Image ID)\s*[:：]\s*(\S.*)$", re.IGNORECASE)
_RELATED = re.compile(r"^(Related Stories|Related|関連記事)\s*$", re.IGNORECASE)
_EN_QUOTE = re.compile(
    r"[\"“](?P<text>[^\"”]{8,}?)[,.]?[\"”],?\s+(?P<speaker>(?:[A-Z][\w.'-]*\s?){1,4}?)\s+"
    r"(?:said|told|added|says)\b"
)
# '"…," said Marles.' / 'Koizumi said: "…"' / 'Hegseth told …, adding, "…"' (the speaker then
# opens the sentence; when it does not, the liaison fills it in).
_EN_QUOTE_FORMS = (
    _EN_QUOTE,
    re.compile(
        r"[\"“](?P<text>[^\"”]{8,}?)[,]?[\"”],?\s+(?:said|added|says)\s+"
        r"(?P<speaker>(?:[A-Z][\w.'-]*\s?){1,4}?)[.,]"
    ),
    re.compile(
        r"(?P<speaker>(?:[A-Z][\w.'-]*\s?){1,4}?)\s+(?:said|added|says)[:,]\s+"
        r"[\"“](?P<text>[^\"”]{8,}?)[\"”]"
    ),
    re.compile(r"(?P<speaker>),\s+adding,\s+[\"“](?P<text>[^\"”]{8,}?)[\"”]"),
)
_JA_QUOTE = re.compile(
    r"(?:(?P<speaker>[^、。「」\s]{1,20}?)(?:氏|長官|大臣|大統領|首相)?は)?「(?P<text>[^」]{4,})」と(?:述べた|語った|強調した|話した)"
)


def _date(text: str) -> str:
    for m in _EN_DATE.finditer(text):
        month = _MONTHS.get(m[1].lower().rstrip("."))
        if month:
            try:
                return date(int(m[3]), month, int(m[2])).isoformat()
            except ValueError:
                continue
    ja = _JA_DATE.search(text)
    if ja:
        try:
            return date(int(ja[1]), int(ja[2]), int(ja[3])).isoformat()
        except ValueError:
            pass
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
        caption = f"{title}{'：' if locale == 'ja' else ': '}{caption}" if caption else title
    return {
        "caption": caption,
        "alt": photo["alt"],
        "credit": photo["credit"],
        "image_id": photo["image_id"],
    }


def _quotes(paragraph: str, is_ja: bool) -> list[dict[str, str]]:
    """The quotes of a paragraph in the order they appear, each read once by the first form
    that matches it."""
    found: list[tuple[int, dict[str, str]]] = []
    taken: list[range] = []
    for form in (_JA_QUOTE,) if is_ja else _EN_QUOTE_FORMS:
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


def parse_release(text: str) -> dict[str, Any]:
    """A draft summary from a release's text, shaped like the create payload plus what was seen."""
    is_ja = len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", text)) > len(text) // 10
    out: dict[str, Any] = {
        "source_locale": "ja" if is_ja else "en",
        "title": "",
        "meeting_date": _date(text),
        "location": "",
        "lede": "",
        "body": "",
        "quotes": [],
        "photos": [],
        "related": [],
        "unrecognised": [],
        "skipped": [],
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
                if m["date"]:
                    out["meeting_date"] = _date(m["date"]) or out["meeting_date"]
                joined = joined[m.end() :].strip()
                if not joined:  # the dateline stood on its own line
                    continue
            out["lede"] = joined
            continue
        if not _is_prose(joined):
            out["unrecognised"].append(joined)
        paragraphs.append(joined)
        out["quotes"].extend(_quotes(joined, is_ja))
    out["body"] = "\n\n".join(paragraphs)
    return out
