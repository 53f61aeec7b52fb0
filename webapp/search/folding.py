"""Search folding: the differences a reader cannot be expected to type are folded away, the same
way in the index and in the query, so "Shinjiro" finds "Shinjirō" and "へぐせす" finds "ヘグセス".

- compatibility forms (NFKC): full-width Latin and digits, half-width katakana, ligatures;
- case (casefold: "ß" is "ss");
- accents: combining marks after canonical decomposition, except the kana voicing marks (゛゜),
  which tell words apart in Japanese (はす, ばす and ぱす are three words);
- katakana as hiragana.

Stored text is folded when it is indexed (`services.index_rows`); readers always see the
original text, and `folded_with_positions` lets the highlighter mark it there.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# The kana voicing marks (combining forms): kept, so ガ stays apart from カ.
_VOICING = frozenset("\u3099\u309a")
# Katakana ァ..ヶ and the iteration marks ヽヾ sit 0x60 above their hiragana.
_KATAKANA_TO_HIRAGANA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)} | {
    0x30FD: 0x309D,
    0x30FE: 0x309E,
}


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFD", text)
        if ch in _VOICING or unicodedata.category(ch) != "Mn"
    )
    return unicodedata.normalize("NFC", kept).translate(_KATAKANA_TO_HIRAGANA)


def fold(text: str) -> str:
    """`text` as the index holds it and queries are matched: see the module's list."""
    folded = _fold_once(text)
    # A second pass settles the rare character whose case folding yields a new compatibility
    # form or mark; from then on fold(fold(x)) == fold(x).
    return folded if folded.isascii() else _fold_once(folded)


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return fold(ch)


def folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` folded one character at a time, and for each folded character the index of the
    original character it came from (for marking hits in the original text).

    A half-width voicing mark (ｶﾞ) joins the letter before it, as whole-text folding does.
    """
    # Usually every character folds to one (Shinjirō, ヘグセス, ＡＢＣ): a table over the distinct
    # characters, and positions stay where they were.
    table = {ord(ch): _fold_char(ch) for ch in set(text)}
    if all(len(folded) == 1 and folded not in _VOICING for folded in table.values()):
        return text.translate(table), list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        piece = _fold_char(ch)
        if piece in _VOICING and out:
            joined = unicodedata.normalize("NFC", out[-1] + piece)
            if len(joined) == 1:
                out[-1] = joined.translate(_KATAKANA_TO_HIRAGANA)
                continue
        for folded in piece:
            out.append(folded)
            where.append(i)
    return "".join(out), where
