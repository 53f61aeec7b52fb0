"""Korean: words are separated by spaces and sentences end in . ? ! (rarely 。), so sentences
join with a space and diffs go by word, although Hangul is set wide like kanji. Punctuation is
Latin (. , “ ”).

Not declared yet: reading Korean numbers and dates as values (5만, 3억, 2026년 1월 15일), so the
number and date checks do not run on pairs with Korean; and a sentence-ending style check
(합니다 against 한다).
"""

from __future__ import annotations

import re

from webapp.languages.base import Language, ReleaseForms

# Hangul syllables, jamo and compatibility jamo.
LETTERS = r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"

# An official release in Korean: 2026년 1월 15일; 헤그세스 장관은 “…”라고 말했다.
RELEASE = ReleaseForms(
    dates=(re.compile(r"(?P<year>\d{4})년\s?(?P<month>\d{1,2})월\s?(?P<day>\d{1,2})일"),),
    quotes=(
        re.compile(
            r"(?:(?P<speaker>[^\s“”\"]{1,20}?)\s?(?:국방장관|방위상|대변인|대통령|장관|총리|차관)?(?:은|는)\s)?"
            r"[“\"](?P<text>[^”\"\n]{4,600})[”\"](?:이?라고|고)\s?"
            r"(?:말했다|밝혔다|강조했다|덧붙였다)"
        ),
    ),
    credit_labels=("사진",),
    related_labels=("관련 기사",),
)

KOREAN = Language(
    code="ko",
    endonym="한국어",
    territory="KR",
    letters=LETTERS,
    sample="장관들은 월요일에 도쿄에서 만났다.",
    # Korean says in fewer characters what English says (a syllable block is a whole syllable).
    length_vs_english=(0.15, 2.0),
    short_text=12,
    release=RELEASE,
)
