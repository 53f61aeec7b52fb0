"""A summary's document, declared once: its parts, their segment keys and labels, what is
translated and what is carried as it is, and how its text is cut and joined again.

Segmentation (`translation`), reassembly for readers and the preview (`publishing`), segment
labels on the review page, search text and any exporter read this declaration; adding a
translatable part is a line here (and, for readers to see it, a template).

Keys address a translatable unit inside a revision and stay stable for unchanged text, so
approved translations survive an edit:
``title`` · ``location`` · ``lede.<s>`` · ``body.<p>.<s>`` · ``<item>.<i>.<part>``
(``quote.0.text``, ``participant.1.role``, ``photo.0.alt``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webapp.languages.sentences import (
    join_lines,
    join_sentences,
    sentence_pieces,
    split_paragraphs,
    split_sentences,
)

if TYPE_CHECKING:
    from webapp.summaries.models import Revision


@dataclass(frozen=True)
class Line:
    """A field that is one segment (the title, the place); `carried` keeps the source's value
    where a translation has none."""

    name: str
    label: LazyString
    carried: bool = False


@dataclass(frozen=True)
class Prose:
    """A field of paragraphs cut into sentences, one segment each. `numbered` paragraphs give
    keys ``<name>.<p>.<s>`` and reach readers as a list under `shown_as`; otherwise they run
    together as ``<name>.<s>`` and reach readers as one text (the lede)."""

    name: str
    label: Callable[[int, int], str]  # (paragraph, sentence), counted from 1
    numbered: bool
    shown_as: str


@dataclass(frozen=True)
class Part:
    """A translated part of a list item: a quote's text, a participant's role, a photo's alt."""

    name: str
    label: Callable[[int], str]  # item number, counted from 1


@dataclass(frozen=True)
class Items:
    """A list of items on the revision (`attribute`): each translated part of each item is a
    segment ``<key>.<i>.<part>``; the `carried` fields go to readers as they are (a country code,
    a photo's credit and image id, never translated)."""

    key: str
    attribute: str
    parts: tuple[Part, ...]
    carried: tuple[str, ...] = ()
    # Which items the prose already holds word for word (a quote in an imported release): they
    # make no segments, being translated there, in their sentence, and readers get them marked
    # `in_text`. None: items are never held in the text.
    held_in_text: Callable[[Revision], list[bool]] | None = None


@dataclass(frozen=True)
class Carried:
    """Structured data readers get as it is, formatted per language by the templates."""

    name: str
    value: Callable[[Revision], Any]


TITLE = Line("title", _l("Title"))
LOCATION = Line("location", _l("Place"), carried=True)
LEDE = Prose(
    "lede", lambda p, s: str(_l("Lede, sentence %(s)d", s=s)), numbered=False, shown_as="lede"
)
BODY = Prose(
    "body",
    lambda p, s: str(_l("Paragraph %(p)d, sentence %(s)d", p=p, s=s)),
    numbered=True,
    shown_as="paragraphs",
)
QUOTES = Items(
    "quote",
    "quotes",
    (
        Part("text", lambda n: str(_l("Quote %(n)d", n=n))),
        Part("speaker", lambda n: str(_l("Quote %(n)d: speaker", n=n))),
    ),
    held_in_text=lambda revision: revision.quotes_in_text(),
)
PARTICIPANTS = Items(
    "participant",
    "participants",
    (
        Part("name", lambda n: str(_l("Participant %(n)d: name", n=n))),
        Part("role", lambda n: str(_l("Participant %(n)d: role", n=n))),
    ),
    carried=("country",),
)
PHOTOS = Items(
    "photo",
    "photos",
    (
        Part("caption", lambda n: str(_l("Photo %(n)d: caption", n=n))),
        Part("alt", lambda n: str(_l("Photo %(n)d: alt text", n=n))),
    ),
    carried=("id", "credit", "image_id"),
)

CARRIED = (
    Carried("meeting_date", lambda revision: revision.meeting_date.isoformat()),
    # Named by slug and id: readers see the topic's current name and the related summary only
    # where it is published in their language (looked up when the page is shown).
    Carried("topics", lambda revision: list(revision.topics or [])),
    Carried("related", lambda revision: list(revision.related or [])),
)

# Reading order: the review page and the segment positions follow it.
LINES = (TITLE, LOCATION)
PROSE = (LEDE, BODY)
ITEMS = (QUOTES, PARTICIPANTS, PHOTOS)
PROSE_FIELDS = frozenset(p.name for p in PROSE)
_LINES = {f.name: f for f in LINES}
_PROSE = {f.name: f for f in PROSE}
_ITEMS = {f.key: f for f in ITEMS}

_PATTERN = re.compile(
    r"(?P<field>[a-z]+)(?:\.(?P<a>\d{1,6}))?(?:\.(?P<b>\d{1,6}))?(?:\.(?P<part>[a-z]+))?"
)


@dataclass(frozen=True, order=True)
class SegmentKey:
    """A parsed segment key; `str(key)` gives the stored form."""

    field: str
    index: int | None = None  # paragraph or list item
    sentence: int | None = None  # sentence within a prose field
    part: str | None = None  # part of a list item ("text", "speaker", ...)

    @classmethod
    def single(cls, field: str) -> SegmentKey:
        if field not in _LINES:
            raise ValueError(f"not a single-segment field: {field!r}")
        return cls(field)

    @classmethod
    def prose(cls, field: str, paragraph: int, sentence: int) -> SegmentKey:
        declared = _PROSE.get(field)
        if declared is None:
            raise ValueError(f"not a prose field: {field!r}")
        return cls(field, index=paragraph if declared.numbered else None, sentence=sentence)

    @classmethod
    def lede(cls, sentence: int) -> SegmentKey:
        return cls.prose("lede", 0, sentence)

    @classmethod
    def body(cls, paragraph: int, sentence: int) -> SegmentKey:
        return cls.prose("body", paragraph, sentence)

    @classmethod
    def item(cls, field: str, index: int, part: str) -> SegmentKey:
        declared = _ITEMS.get(field)
        if declared is None or part not in {p.name for p in declared.parts}:
            raise ValueError(f"{field!r} items have no part {part!r}")
        return cls(field, index=index, part=part)

    @classmethod
    def parse(cls, raw: str) -> SegmentKey:
        """Read a stored key; ValueError for anything the declaration would not write."""
        m = _PATTERN.fullmatch(raw)
        if m is None:
            raise ValueError(f"not a segment key: {raw!r}")
        field, a, b, part = m["field"], m["a"], m["b"], m["part"]
        if field in _LINES and a is None and b is None and part is None:
            return cls.single(field)
        if field in _PROSE and part is None and a is not None:
            if _PROSE[field].numbered and b is not None:
                return cls.prose(field, int(a), int(b))
            if not _PROSE[field].numbered and b is None:
                return cls.prose(field, 0, int(a))
        if field in _ITEMS and a is not None and b is None and part is not None:
            return cls.item(field, int(a), part)
        raise ValueError(f"not a segment key: {raw!r}")

    def __str__(self) -> str:
        if self.part is not None:
            return f"{self.field}.{self.index}.{self.part}"
        if self.sentence is not None:
            if self.index is None:
                return f"{self.field}.{self.sentence}"
            return f"{self.field}.{self.index}.{self.sentence}"
        return self.field

    def label(self) -> str:
        """A translator-friendly name ("body.2.0" -> "Paragraph 3, sentence 1")."""
        if self.field in _LINES:
            return str(_LINES[self.field].label)
        if self.field in _PROSE:
            return _PROSE[self.field].label((self.index or 0) + 1, (self.sentence or 0) + 1)
        part = next(p for p in _ITEMS[self.field].parts if p.name == self.part)
        return part.label((self.index or 0) + 1)


def segment_label(raw: str) -> str:
    """Label a stored key for people; an unknown key is shown as it is."""
    try:
        return SegmentKey.parse(raw).label()
    except ValueError:
        return raw


@dataclass(frozen=True)
class Unit:
    """One translatable piece of a revision, in reading order."""

    key: str
    text: str
    paragraph: int | None = None  # the body paragraph a sentence belongs to


def flatten(text: str) -> str:
    """A one-segment text (title, quote, caption) as a single normalised line."""
    return join_lines(split_paragraphs(text))


def units(revision: Revision, locale: str) -> list[Unit]:
    """Cut the revision's translatable text into keyed units, in reading order.

    Names are units too: a Japanese reader needs 小泉進次郎, not only "Shinjirō Koizumi".
    """
    found = [
        Unit(str(SegmentKey.single(line.name)), text)
        for line in LINES
        if (text := flatten(getattr(revision, line.name) or ""))
    ]
    for prose in PROSE:
        paragraphs = split_paragraphs(getattr(revision, prose.name) or "")
        if prose.numbered:
            for p, paragraph in enumerate(paragraphs):
                for s, sentence in enumerate(split_sentences(paragraph, locale)):
                    found.append(Unit(str(SegmentKey.prose(prose.name, p, s)), sentence, p))
        else:
            run = [s for paragraph in paragraphs for s in split_sentences(paragraph, locale)]
            found += [Unit(str(SegmentKey.prose(prose.name, 0, s)), t) for s, t in enumerate(run)]
    for items in ITEMS:
        values = _values(revision, items)
        held = in_text(revision, items)
        for i, value in enumerate(values):  # item by item: a name, then that person's role
            for part in items.parts:
                if not held[i] and (text := flatten(value.get(part.name, ""))):
                    found.append(Unit(str(SegmentKey.item(items.key, i, part.name)), text))
    return found


@dataclass(frozen=True)
class CutSentence:
    """A sentence too long to translate whole, and where its pieces are (for the writer)."""

    label: str  # its first piece's segment label
    length: int
    pieces: int


def cut_sentences(revision: Revision, locale: str) -> list[CutSentence]:
    """The revision's sentences that were cut into pieces for translation (see `units`)."""
    found = []
    for prose in PROSE:
        run = 0  # an unnumbered field counts sentences across its paragraphs
        for p, paragraph in enumerate(split_paragraphs(getattr(revision, prose.name) or "")):
            s = 0 if prose.numbered else run
            for pieces in sentence_pieces(paragraph, locale):
                if len(pieces) > 1:
                    key = SegmentKey.prose(prose.name, p if prose.numbered else 0, s)
                    length = sum(map(len, pieces))
                    found.append(CutSentence(key.label(), length, len(pieces)))
                s += len(pieces)
            run = s
    return found


def _values(revision: Revision, items: Items) -> Sequence[dict[str, Any]]:
    return getattr(revision, items.attribute) or []


def in_text(revision: Revision, items: Items) -> list[bool]:
    """For each item, whether the prose already holds it (decided on the source, so every
    language shows the same)."""
    if items.held_in_text is not None:
        return items.held_in_text(revision)
    return [False] * len(_values(revision, items))


def assemble(revision: Revision, texts: dict[str, str], locale: str) -> dict[str, Any]:
    """The document in one language from texts keyed like its units (what readers are shown).

    A line or an item's part without a text keeps the revision's value where the declaration
    carries it; prose is joined with the language's spacing.
    """
    prose: dict[str, dict[int, list[tuple[int, str]]]] = {p.name: {} for p in PROSE}
    for raw, text in texts.items():
        try:
            key = SegmentKey.parse(raw)
        except ValueError:
            continue  # a key an older declaration wrote: nothing shows it any more
        if key.field in prose:
            prose[key.field].setdefault(key.index or 0, []).append((key.sentence or 0, text))
    content: dict[str, Any] = {}
    for line in LINES:
        default = (getattr(revision, line.name) or "") if line.carried else ""
        content[line.name] = texts.get(line.name, default)
    for field in PROSE:
        joined = [
            join_sentences([t for _, t in sorted(sentences)], locale)
            for _, sentences in sorted(prose[field.name].items())
        ]
        content[field.shown_as] = joined if field.numbered else (joined[0] if joined else "")
    for items in ITEMS:
        held = in_text(revision, items)
        content[items.attribute] = [
            {
                **{name: value.get(name, "") for name in items.carried},
                **{
                    part.name: texts.get(
                        str(SegmentKey.item(items.key, i, part.name)), value.get(part.name, "")
                    )
                    for part in items.parts
                },
                **({"in_text": held[i]} if items.held_in_text else {}),
            }
            for i, value in enumerate(_values(revision, items))
        ]
    for carried in CARRIED:
        content[carried.name] = carried.value(revision)
    return content
