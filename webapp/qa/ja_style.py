"""The sentence-ending style of Japanese prose: です/ます (敬体, "polite") or だ/である (常体,
"plain").

A summary keeps one style. Pure functions: `endings` classifies each sentence of a text,
`dominant` finds the style most sentences of a translation use, and the ja_style check flags a
segment ending in the other one.

Only prose counts (the lede and body; titles, places, names, roles, captions and quotations are
left alone), and inside it not speech quoted in 「」/『』, not asides in brackets, not short
fragments, and not sentences without a verb ending (体言止め such as 「両大臣が会談」).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from webapp.summaries.document import PROSE_FIELDS, SegmentKey

POLITE = "polite"
PLAIN = "plain"

_ASIDES = re.compile(r"「[^「」]*」|『[^『』]*』|（[^（）]*）|\([^()]*\)")
_SENTENCE = re.compile(r"[^。！？!?\n]+")
_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_TRAILING = " \t\u3000\"'”’」』）)…―ー、,."
_PARTICLES = re.compile(r"(?<=[すたういだる])(?:か|ね|よ)+$")  # ですか, ましたね, だよ
_POLITE = re.compile(r"(?:です|ます|ました|ません|でした|ましょう|でしょう|ください|下さい)$")
# Plain: だ/である, the past た, the dictionary form of verbs and adjectives (述べる, 示す, 強い);
# not つ after a numeral (一つ).
_PLAIN = re.compile(
    r"(?:だ|である|であった|だった|だろう|であろう|[たるうくぐすぬぶむい]|(?<![一二三四五六七八九])つ)$"
)
SHORT = 5  # sentences shorter than this (in characters) are fragments


def is_prose(key: str) -> bool:
    """A lede or body sentence (or a key-less text), not a title, name, quotation or caption."""
    if not key:
        return True
    try:
        return SegmentKey.parse(key).field in PROSE_FIELDS
    except ValueError:
        return False


def endings(text: str) -> list[str]:
    """The style of each sentence of the text that ends in a verb form: POLITE or PLAIN."""
    if text.lstrip().startswith("#"):
        return []  # a heading
    found = []
    for sentence in _SENTENCE.findall(_ASIDES.sub("", text)):
        sentence = sentence.strip().rstrip(_TRAILING)
        if len(sentence) < SHORT or not _JA.search(sentence):
            continue
        end = _PARTICLES.sub("", sentence[-20:])  # only the ending matters (and stays linear)
        if _POLITE.search(end):
            found.append(POLITE)
        elif _PLAIN.search(end):
            found.append(PLAIN)
    return found


def dominant(texts: Iterable[str]) -> str | None:
    """The style most sentences use; None when there is none or it is a tie."""
    counts = Counter(style for text in texts for style in endings(text))
    polite, plain = counts[POLITE], counts[PLAIN]
    if polite == plain:
        return None
    return POLITE if polite > plain else PLAIN
