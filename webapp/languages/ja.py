"""Japanese: sentences end in 。 and join without spaces, diffs go by character, punctuation is
full width, numbers and dates are read as values (kanji numerals, 万/億, 令和 years), and prose
keeps one sentence-ending style.

The style rules: です/ます (敬体, "polite") or だ/である (常体, "plain"). A summary keeps one.
`endings` classifies each sentence of a text, `dominant` finds the style most sentences of a
translation use, and the ja_style check flags a segment ending in the other one. Only prose counts
(the checks pass only lede and body sentences), and inside it not speech quoted in 「」/『』, not
asides in brackets, not short fragments, and not sentences without a verb ending (体言止め such
as 「両大臣が会談」).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from webapp.languages.base import Language, Punctuation, ReleaseForms, Styles

# Kana and kanji: Japanese text inside a sentence.
LETTERS = r"[\u3040-\u30ff\u3400-\u9fff]"

POLITE = "polite"
PLAIN = "plain"

_ASIDES = re.compile(r"「[^「」]*」|『[^『』]*』|（[^（）]*）|\([^()]*\)")
_SENTENCE = re.compile(r"[^。！？!?\n]+")
_JA = re.compile(LETTERS)
_TRAILING = " \t\u3000\"'”’」』）)…―ー、,."
_PARTICLES = re.compile(r"(?<=[すたういだる])(?:か|ね|よ)+$")  # ですか, ましたね, だよ
_POLITE = re.compile(r"(?:です|ます|ました|ません|でした|ましょう|でしょう|ください|下さい)$")
# Plain: だ/である, the past た, the dictionary form of verbs and adjectives (述べる, 示す, 強い);
# not つ after a numeral (一つ).
_PLAIN = re.compile(
    r"(?:だ|である|であった|だった|だろう|であろう|[たるうくぐすぬぶむい]|(?<![一二三四五六七八九])つ)$"
)
SHORT = 5  # sentences shorter than this (in characters) are fragments


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


# An official release in Japanese: 2026年1月15日, 「…」と述べた with the speaker before は.
RELEASE = ReleaseForms(
    dates=(re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日"),),
    quotes=(
        re.compile(
            r"(?:(?P<speaker>[^、。「」\s]{1,20}?)(?:氏|長官|大臣|大統領|首相)?は)?"
            r"「(?P<text>[^」]{4,})」と(?:述べた|語った|強調した|話した)"
        ),
    ),
    credit_labels=("写真",),
    related_labels=("関連記事",),
)

JAPANESE = Language(
    code="ja",
    endonym="日本語",
    territory="JP",
    letters=LETTERS,
    sample="大臣は月曜日に東京で会談した。",
    sentence_space=False,
    full_width_stops=True,
    diff_by_characters=True,
    punctuation=Punctuation.FULL_WIDTH,
    reads_numbers=True,
    styles=Styles(endings=endings, dominant=dominant, POLITE=POLITE, PLAIN=PLAIN),
    # Japanese needs about a third to two thirds of the characters of English.
    length_vs_english=(0.125, 1.5),
    short_text=10,
    release=RELEASE,
)
