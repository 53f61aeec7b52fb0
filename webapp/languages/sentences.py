"""Sentences and paragraphs: split prose for translation, and join translated sentences again.

Sentence splitting is our own single-pass scanner, linear in the input (pySBD, used before, took
76 s for 10,000 characters of English inside a Japanese summary). A boundary is proposed after a
run of terminators (. ! ? 。 ！ ？ ．) and any closing quotes or brackets, and kept unless:

1. it falls inside a matched bracket or quote pair (「」『』（）“” () [] ...);
2. after a full-width terminator and closers, the sentence goes on at once (「…。」と述べた);
3. after an ASCII terminator: no space follows (U.S.-Japan, 2.5%, Va.で), the next word starts in
   lower case (U.S. counterparts), or the word before is an abbreviation that precedes a name
   (Lt., Gen., Pfc., Amb., Mr.), a number (No. 3, Jan. 15) or is an initialism (U.S. Army);
4. in a language whose sentences end in full-width stops (Japanese: `full_width_stops`), an
   ASCII full stop ends a sentence only when the sentence so far holds no wide text (a Japanese
   sentence ends in 。, so "Va. で" continues it). Korean is set wide too but ends in ".".

Joining follows the language too: with a space (English, Korean) or without (Japanese, keeping
one only between two pieces of Latin text).

Pieces are always slices of the input, so no character is ever lost or reordered.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from webapp.languages.base import Language
from webapp.languages.registry import get, known

__all__ = [
    "MAX_SENTENCE",
    "check_locale",
    "join_lines",
    "join_sentences",
    "sentence_pieces",
    "split_paragraphs",
    "split_sentences",
]

# A sentence longer than this is cut into pieces of at most this many characters for translation
# (an engine trained on sentences garbles one of thousands of characters, and every check and
# page showing it grows with it). Translator-written targets are capped at 10,000 characters.
MAX_SENTENCE = 2_000
# Where a cut prefers to fall: after clause punctuation, else after a space (rule-free and linear).
_CLAUSE_ENDS = frozenset(",;:、，；：")


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
    r"|Sgt|Sgts|Pfc|Spc|Pvt|Cpl|CMSgt|SMSgt|MSgt|TSgt|SSgt|SrA|Amn|Ft|Mt|St)\.$"
)
# Rule 3: abbreviations that precede a number ("No. 3", "Jan. 15", "Vol. 2").
_NUMBER_END = re.compile(
    r"(?<![A-Za-z])(?:No|Nos|N°|Nº|Vol|Vols|Art|Arts|Fig|Figs|approx|p|pp"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$"
)

# join_sentences without sentence_space: keep a space between Latin text ending one sentence
# and starting the next.
_LATIN_END = re.compile(r"[A-Za-z0-9.!?'\")\]]")
_LATIN_START = re.compile(r"[A-Za-z0-9'\"(\[]")
_BLANK_LINE = re.compile(r"\n[ \t\f\v\u3000]*\n")


def check_locale(locale: str) -> Language:
    """Fail loudly on an unsupported locale instead of segmenting with the wrong rules."""
    return get(locale)


def _is_wide(char: str) -> bool:
    """Tell whether a character is East Asian wide (kanji, kana, Hangul, full-width marks)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


# Letters of the languages that put spaces between words: Hangul is wide, yet a line break
# between two Korean words is a space.
_SPACED_LETTERS = re.compile("|".join(lang.letters for lang in known() if lang.sentence_space))


def _tight(char: str) -> bool:
    """A wide character that a line break joins to the next without a space (kanji, kana)."""
    return _is_wide(char) and not _SPACED_LETTERS.match(char)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines as prose: a space between them, except between two characters of a
    script written without spaces (kanji, kana, full-width marks)."""
    out = ""
    for line in lines:
        if out and not (_tight(out[-1]) and _tight(line[0])):
            out += " "
        out += line
    return out


def split_paragraphs(body: str) -> list[str]:
    """Split a Markdown-ish body on blank lines so each paragraph can be segmented and rebuilt."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINE.split(text):
        lines = [line.strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(join_lines(lines))
    return paragraphs


_FULL_STOPS = frozenset("。！？．")
_ASCII_STOPS = frozenset(".!?")
_CLOSING = frozenset("\"'’”)]）」』】〉》〕］｝")
_OPENING = frozenset("\"'‘“([（「『【〈《〔［｛")
_INITIALISM = re.compile(r"(?:^|[^A-Za-z.])(?:[A-Za-z]\.)+$")
_NEVER_FINAL = re.compile(r"(?<![A-Za-z])(?:e\.g|i\.e|vs|cf|etc\.\s*al|et al)\.$", re.IGNORECASE)
# Abbreviations and initialisms are short: looking further back would make splitting quadratic.
_LOOKBACK = 24


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


def _inside_pairs(text: str) -> list[int]:
    """For each boundary position b, how many matched pairs hold it (open < b <= close)."""
    delta = [0] * (len(text) + 2)
    for open_, close in _bracket_pairs(text):
        delta[open_ + 1] += 1
        delta[close + 1] -= 1
    depth, inside = 0, []
    for change in delta:
        depth += change
        inside.append(depth)
    return inside


def _ascii_stop_ends_sentence(text: str, stop: int, after: int, nxt: int) -> bool:
    """Rule 3 and 4 for a run of ASCII terminators ending at `stop` (closers end at `after`)."""
    if after == len(text):
        return True
    if not text[after].isspace():
        return False  # U.S.-Japan, 2.5%, Va.で, “Japan.”と
    if nxt == len(text):
        return True
    following = text[nxt]
    if following.islower():
        return False
    if text[stop] != ".":
        return True  # ? and ! end a sentence before any capital, digit or opener
    before = text[max(0, stop - _LOOKBACK) : stop + 1]
    if _TITLE_END.search(before) or _NEVER_FINAL.search(before):
        return False
    if _NUMBER_END.search(before) and following.isdigit():
        return False
    return not (_INITIALISM.search(before) and (following.isupper() or following.isdigit()))


def _boundaries(text: str, lang: Language) -> list[int]:
    """Positions after which a sentence ends, found in one pass."""
    inside = _inside_pairs(text)
    cuts: list[int] = []
    start = 0  # where the current sentence began
    last_wide = -1  # the last East Asian wide character seen
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if _is_wide(char) and char not in _FULL_STOPS:
            last_wide = i
        if char not in _FULL_STOPS and char not in _ASCII_STOPS:
            i += 1
            continue
        stop = i
        while i < n and (text[i] in _FULL_STOPS or text[i] in _ASCII_STOPS):
            i += 1
        if i - stop == 1 and char == "．" and i < n and text[i].isdigit():
            continue  # a full-width decimal point (３．２９％), not a full stop
        full = any(text[k] in _FULL_STOPS for k in range(stop, i))
        closed = i
        while closed < n and text[closed] in _CLOSING:
            closed += 1
        nxt = closed
        while nxt < n and text[nxt].isspace():
            nxt += 1
        if inside[closed]:
            ends = False  # rule 1
        elif full:
            # rule 2: after closers the sentence may go on (「…。」と述べた)
            ends = closed == i or nxt == n or nxt > closed or text[nxt] in _OPENING
        else:
            ends = _ascii_stop_ends_sentence(text, i - 1, closed, nxt)
            if ends and lang.full_width_stops and text[i - 1] == "." and last_wide >= start:
                ends = False  # rule 4
        if ends:
            cuts.append(closed)
            start = nxt
        i = closed
    return cuts


def split_sentences(text: str, locale: str) -> list[str]:
    """Split prose into sentences so each can be translated and remembered on its own; a
    sentence longer than MAX_SENTENCE comes back cut into pieces (see `sentence_pieces`)."""
    return [piece for pieces in sentence_pieces(text, locale) for piece in pieces]


def sentence_pieces(text: str, locale: str) -> list[list[str]]:
    """Each sentence as the pieces it is translated in: one, or several for an overlong one (so
    the writer can be told which sentence was cut)."""
    return [_cut(sentence) for sentence in _sentences(text, locale)]


def _cut(sentence: str) -> list[str]:
    """A sentence as pieces of at most MAX_SENTENCE characters, cut where a reader would pause:
    after clause punctuation in the second half of the window, else after a space, else at the
    limit (never between a character and the marks that combine with it)."""
    pieces = []
    while len(sentence) > MAX_SENTENCE:
        at = _cut_point(sentence)
        head, sentence = sentence[:at].rstrip(), sentence[at:].lstrip()
        pieces.append(head)
    if sentence:
        pieces.append(sentence)
    return pieces


def _cut_point(text: str) -> int:
    window = range(MAX_SENTENCE, MAX_SENTENCE // 2, -1)
    for end in window:
        if text[end - 1] in _CLAUSE_ENDS:
            return end
    for end in window:
        if text[end - 1].isspace():
            return end
    end = MAX_SENTENCE
    # Combining and enclosing marks, variation selectors and joiners belong to the character
    # before them.
    while end > 1 and unicodedata.category(text[end]) in ("Mn", "Me", "Cf"):
        end -= 1
    return end


def _sentences(text: str, locale: str) -> list[str]:
    lang = check_locale(locale)
    if not text.strip():
        return []
    bounds = [0, *_boundaries(text, lang), len(text)]
    pieces = []
    for start, end in pairwise(bounds):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            pieces.append(text[start:end])
    return pieces


def join_sentences(sentences: list[str], locale: str) -> str:
    """Rebuild a paragraph from translated sentences with the locale's inter-sentence spacing."""
    lang = check_locale(locale)
    out = ""
    for sentence in (s.strip() for s in sentences):
        if not sentence:
            continue
        if out and (
            lang.sentence_space
            or (_LATIN_END.fullmatch(out[-1]) and _LATIN_START.fullmatch(sentence[0]))
        ):
            out += " "
        out += sentence
    return out
