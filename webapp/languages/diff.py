"""What changed in a source sentence: words, or characters where words carry no spaces
(Japanese: `Language.diff_by_characters`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from webapp.languages.registry import get

# Words, runs of spaces and single punctuation marks: joining the tokens gives the text back.
_WORDS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
# Above this many tokens a diff is not worth its cost; the old and new text are shown whole.
MAX_TOKENS = 2_000


@dataclass(frozen=True)
class Piece:
    op: Literal["equal", "delete", "insert"]
    text: str


def _tokens(text: str, locale: str) -> list[str]:
    """Compare characters where words carry no spaces (Japanese), words elsewhere."""
    return list(text) if get(locale).diff_by_characters else _WORDS.findall(text)


def source_diff(old: str, new: str, locale: str) -> list[Piece]:
    """The pieces that turn `old` into `new`, in order (deleted text before inserted text)."""
    a, b = _tokens(old, locale), _tokens(new, locale)
    if len(a) + len(b) > MAX_TOKENS:
        return [Piece("delete", old), Piece("insert", new)]
    pieces: list[Piece] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return pieces
