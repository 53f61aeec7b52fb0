"""English: the language the interface is written in (its gettext message ids), the language
readers fall back to, and the pivot of machine translation. Sentences join with a space, diffs go
by word, numbers and dates are read as values (digits, "5 million", "Jan. 15, 2026")."""

from __future__ import annotations

import re
from types import MappingProxyType

from webapp.languages.base import Language, ReleaseForms

_MONTHS = MappingProxyType(
    {
        name: i + 1
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
        for name in names
    }
)

# A speaker: one to four capitalised words, each starting where no word goes on before it and
# separated by spaces, so a scan is linear in the text. (The earlier `(?:[A-Z][\w.'-]*\s?){1,4}?`
# could split a run of capitals in every way at every position: 200 capitals took 143 s.)
_SPEAKER = r"(?<![\w.'-])(?P<speaker>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}?)"

# An official release in English: "Jan. 15, 2026"; '"…," Hegseth said.' and its other forms.
_QUOTE = re.compile(
    r"[\"“](?P<text>[^\"”]{8,}?)[,.]?[\"”],?\s+" + _SPEAKER + r"\s+"
    r"(?:said|told|added|says)\b"
)
# '"…," said Marles.' / 'Koizumi said: "…"' / 'Hegseth told …, adding, "…"' (the speaker then
# opens the sentence; when it does not, the liaison fills it in).
RELEASE = ReleaseForms(
    dates=(re.compile(r"\b(?P<month>[A-Z][a-z]{2,8})\.? (?P<day>\d{1,2}), (?P<year>\d{4})\b"),),
    month_names=_MONTHS,
    quotes=(
        _QUOTE,
        re.compile(
            r"[\"“](?P<text>[^\"”]{8,}?)[,]?[\"”],?\s+(?:said|added|says)\s+" + _SPEAKER + r"[.,]"
        ),
        re.compile(
            _SPEAKER + r"\s+(?:said|added|says)[:,]\s+"
            r"[\"“](?P<text>[^\"”]{8,}?)[\"”]"
        ),
        re.compile(r"(?P<speaker>),\s+adding,\s+[\"“](?P<text>[^\"”]{8,}?)[\"”]"),
    ),
    credit_labels=("Credit", "Photo credit", "Photo By", "Photo courtesy of"),
    related_labels=("Related Stories", "Related"),
)

ENGLISH = Language(
    code="en",
    endonym="English",
    territory="US",
    letters=r"[A-Za-z]",
    sample="The ministers met in Tokyo on Monday.",
    reads_numbers=True,
    length_vs_english=(1.0, 1.0),
    release=RELEASE,
)
