"""Cut summary fields into stable, hashable translation segments (pure, offline, deterministic).

Sentence splitting uses pySBD, then a few small documented repairs (see ``_needs_merge``):

1. A split inside a matched bracket or quote pair (「」『』（）“” () [] ...) is undone, because
   pySBD's Japanese rules know 「」 and （） but not 『』 or “”.
2. A split after a rank/title abbreviation that always precedes a name (``Pfc.``, ``Spc.``,
   ``Amb.``, ``CMSgt.`` ...) is undone; pySBD's English list lacks many military ranks.
3. A split after a numbered abbreviation (``No.``, ``Vol.``, ``Jan.``, ``approx.`` ...) is undone
   when the next piece starts with a digit.
4. Japanese only: pySBD's Japanese rules treat every ASCII ``.`` as a full stop. A split after
   one is undone when no space follows it (``U.S.-Japan``, ``Va.の``), when the piece before it
   holds Japanese text (a Japanese sentence ends in 。, so ``Va. で`` continues it), or when
   pySBD's English rules, run on the surrounding Latin text, would not split there (``U.S. Army``).

One split is added: pySBD does not break between a quote closed after a full stop and a sentence
opening with a quote or bracket (``... day." [The] alliance``); ``_QUOTE_THEN_OPENER`` does.

Pieces are always slices of the input, so no character is ever lost or reordered.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from webapp.core.locales import LOCALES
from webapp.core.segment_keys import SegmentKey

with warnings.catch_warnings():
    # pySBD 0.3.4 has invalid "\s" escapes; without cached bytecode, `-W error` breaks the import.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import pysbd

__all__ = [
    "LOCALES",
    "SourceSegment",
    "join_sentences",
    "segment_fields",
    "segment_hash",
    "split_paragraphs",
    "split_sentences",
]


# Opening -> closing bracket/quote pairs whose inside must never be split (rule 1).
_BRACKETS = {
    "「": "」",
    "『": "』",
    "（": "）",
    "［": "］",
    "【": "】",
    "〈": "〉",
    "《": "》",
    "〔": "〕",
    "｛": "｝",
    "(": ")",
    "[": "]",
    "“": "”",
}
_CLOSERS = {close: open_ for open_, close in _BRACKETS.items()}

# Rule 2: abbreviations that always precede a name, so a sentence never ends on them.
_TITLE_END = re.compile(
    r"(?<![A-Za-z])(?:Mr|Mrs|Ms|Dr|Prof|Rev|Hon|Amb|Sen|Rep|Gov|Sec|Supt|Insp"
    r"|Gen|Gens|Lt|Lts|Col|Maj|Capt|Cmdr|Cdr|Adm|Adms|Brig|Ens"
    r"|Sgt|Sgts|Pfc|Spc|Pvt|Cpl|CMSgt|SMSgt|MSgt|TSgt|SSgt|SrA|Amn|Ft|Mt)\.$"
)
# Rule 3: abbreviations that precede a number ("No. 3", "Jan. 15", "Vol. 2").
_NUMBER_END = re.compile(
    r"(?<![A-Za-z])(?:No|Nos|Vol|Vols|Art|Arts|Fig|Figs|approx|p|pp"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$"
)

# Added split: whitespace after `."` / `.”` when the next sentence opens with a quote or bracket.
_QUOTE_THEN_OPENER = re.compile(r"(?<=[.!?][\"”])\s+(?=(?:[\"“]\[?|[\[(])[A-Z])")
# join_sentences("ja"): keep a space between Latin text ending one sentence and starting the next.
_LATIN_END = re.compile(r"[A-Za-z0-9.!?'\")\]]")
_LATIN_START = re.compile(r"[A-Za-z0-9'\"(\[]")
_BLANK_LINE = re.compile(r"\n[ \t\f\v\u3000]*\n")

_local = threading.local()


def _check_locale(locale: str) -> None:
    """Fail loudly on an unsupported locale instead of segmenting with the wrong rules."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}; expected one of {LOCALES}")


def _segmenter(locale: str) -> pysbd.Segmenter:
    """Return a per-thread pySBD segmenter: Segmenter.segment stores the text on the instance."""
    cache = getattr(_local, "segmenters", None)
    if cache is None:
        cache = _local.segmenters = {}
    if locale not in cache:
        cache[locale] = pysbd.Segmenter(language=locale, clean=False)
    return cache[locale]


def _is_wide(char: str) -> bool:
    """Tell whether a character is East Asian wide, where a line break carries no space."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines as prose: a space between them, except between two CJK characters."""
    out = ""
    for line in lines:
        if out and not (_is_wide(out[-1]) and _is_wide(line[0])):
            out += " "
        out += line
    return out


def _flatten(text: str) -> str:
    """Turn a one-segment field (title, quote, caption) into a single normalised line."""
    return _join_lines(split_paragraphs(text))


def split_paragraphs(body: str) -> list[str]:
    """Split a Markdown-ish body on blank lines so each paragraph can be segmented and rebuilt."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINE.split(text):
        lines = [line.strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(_join_lines(lines))
    return paragraphs


def _raw_spans(text: str, locale: str) -> list[tuple[int, int]]:
    """Map pySBD's sentences back to (start, end) slices of ``text`` covering all of it."""
    cuts = []
    pos = 0
    for sentence in _segmenter(locale).segment(text):
        sentence = sentence.strip()
        found = text.find(sentence, pos) if sentence else -1
        if found >= 0:
            pos = found + len(sentence)
            cuts.append(pos)
    cuts += [match.end() for match in _QUOTE_THEN_OPENER.finditer(text)]
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(text)}), len(text)]
    spans = []
    for start, end in pairwise(bounds):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    """Find matched bracket pairs by index; unmatched brackets are ignored, never fatal."""
    stack: list[tuple[str, int]] = []
    pairs = []
    for i, char in enumerate(text):
        if char in _BRACKETS:
            stack.append((char, i))
        elif char in _CLOSERS:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == _CLOSERS[char]:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return pairs


def _is_latin(char: str) -> bool:
    """Tell whether a character belongs to a run of Latin text embedded in Japanese."""
    return ord(char) < 0x2E80


def _english_would_split(text: str, boundary: int) -> bool:
    """Ask pySBD's English rules whether the Latin run around ``boundary`` breaks there."""
    left = boundary
    while left > 0 and _is_latin(text[left - 1]):
        left -= 1
    right = boundary
    while right < len(text) and _is_latin(text[right]):
        right += 1
    run = text[left:right]
    if not run[boundary - left :].strip():
        return True
    return any(start == boundary - left for start, _ in _raw_spans(run, "en")[1:])


def _needs_merge(
    text: str,
    prev: tuple[int, int],
    nxt: tuple[int, int],
    pairs: list[tuple[int, int]],
    locale: str,
) -> bool:
    """Decide whether pySBD's split between two adjacent pieces is one of its known mistakes."""
    end, start = prev[1], nxt[0]
    if any(open_ < end <= close for open_, close in pairs):
        return True
    before = text[prev[0] : end]
    if _TITLE_END.search(before):
        return True
    if _NUMBER_END.search(before) and text[start].isdigit():
        return True
    if locale == "ja" and before.endswith("."):
        if start == end or any(_is_wide(char) for char in before):
            return True
        return not _english_would_split(text, start)
    return False


def split_sentences(text: str, locale: str) -> list[str]:
    """Split prose into sentences so each can be translated and remembered on its own."""
    _check_locale(locale)
    if not text.strip():
        return []
    spans = _raw_spans(text, locale)
    pairs = _bracket_pairs(text)
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _needs_merge(text, merged[-1], span, pairs, locale):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return [text[start:end] for start, end in merged]


def segment_hash(text: str) -> str:
    """Hash source text so spacing or Unicode-form changes do not invalidate translations."""
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SourceSegment:
    """One translatable unit, addressed by a stable key and identified by its text hash."""

    key: str
    text: str
    hash: str
    paragraph: int | None = None


def _segment(key: str, text: str, paragraph: int | None = None) -> SourceSegment:
    """Build a segment so the hash is always computed the same way."""
    return SourceSegment(key=key, text=text, hash=segment_hash(text), paragraph=paragraph)


def segment_fields(
    *,
    locale: str,
    title: str,
    lede: str = "",
    body: str = "",
    location: str = "",
    quotes: Sequence[str] = (),
    quote_speakers: Sequence[str] = (),
    participant_names: Sequence[str] = (),
    participant_roles: Sequence[str] = (),
    captions: Sequence[str] = (),
) -> list[SourceSegment]:
    """Cut a summary's translatable fields into keyed segments in reading order.

    Names are segments too: a Japanese reader needs 小泉進次郎, not only "Shinjirō Koizumi".
    """
    _check_locale(locale)
    segments = []
    if title_text := _flatten(title):
        segments.append(_segment(str(SegmentKey.single("title")), title_text))
    if location_text := _flatten(location):
        segments.append(_segment(str(SegmentKey.single("location")), location_text))
    lede_sentences = [s for p in split_paragraphs(lede) for s in split_sentences(p, locale)]
    segments += [_segment(str(SegmentKey.lede(i)), s) for i, s in enumerate(lede_sentences)]
    for p, paragraph in enumerate(split_paragraphs(body)):
        for s, sentence in enumerate(split_sentences(paragraph, locale)):
            segments.append(_segment(str(SegmentKey.body(p, s)), sentence, paragraph=p))
    item_parts = (
        ("quote", "text", quotes),
        ("quote", "speaker", quote_speakers),
        ("participant", "name", participant_names),
        ("participant", "role", participant_roles),
        ("image", "caption", captions),
    )
    for field, part, values in item_parts:
        for i, value in enumerate(values):
            if flat := _flatten(value):
                segments.append(_segment(str(SegmentKey.item(field, i, part)), flat))
    return segments


def join_sentences(sentences: list[str], locale: str) -> str:
    """Rebuild a paragraph from translated sentences with the locale's inter-sentence spacing."""
    _check_locale(locale)
    out = ""
    for sentence in (s.strip() for s in sentences):
        if not sentence:
            continue
        if out and (
            locale == "en"
            or (_LATIN_END.fullmatch(out[-1]) and _LATIN_START.fullmatch(sentence[0]))
        ):
            out += " "
        out += sentence
    return out
