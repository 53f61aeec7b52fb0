"""The one owner of the segment key format: written, parsed and labelled only here.

A key addresses a translatable unit inside a summary revision:
``title`` · ``location`` · ``lede.<s>`` · ``body.<p>.<s>`` · ``<field>.<i>.<part>`` for list items
(``quote.0.text``, ``participant.1.role``, ``photo.0.alt``). Keys stay stable for unchanged text,
so approved translations survive an edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Fields that are one segment each.
SINGLE_FIELDS = ("title", "location")
# Fields whose items have named parts; each part is one segment.
ITEM_PARTS = {
    "quote": ("text", "speaker"),
    "participant": ("name", "role"),
    "image": ("caption",),
    "photo": ("caption", "alt"),
}
_PATTERN = re.compile(
    r"(?P<single>title|location)"
    r"|lede\.(?P<lede>\d{1,6})"
    r"|body\.(?P<para>\d{1,6})\.(?P<sent>\d{1,6})"
    r"|(?P<item>[a-z]+)\.(?P<index>\d{1,6})\.(?P<part>[a-z]+)"
)


@dataclass(frozen=True, order=True)
class SegmentKey:
    """A parsed segment key; `str(key)` gives the stored form."""

    field: str
    index: int | None = None  # paragraph or list item
    sentence: int | None = None  # sentence within the lede or a paragraph
    part: str | None = None  # part of a list item ("text", "speaker", ...)

    @classmethod
    def single(cls, field: str) -> SegmentKey:
        if field not in SINGLE_FIELDS:
            raise ValueError(f"not a single-segment field: {field!r}")
        return cls(field)

    @classmethod
    def lede(cls, sentence: int) -> SegmentKey:
        return cls("lede", sentence=sentence)

    @classmethod
    def body(cls, paragraph: int, sentence: int) -> SegmentKey:
        return cls("body", index=paragraph, sentence=sentence)

    @classmethod
    def item(cls, field: str, index: int, part: str) -> SegmentKey:
        if part not in ITEM_PARTS.get(field, ()):
            raise ValueError(f"{field!r} items have no part {part!r}")
        return cls(field, index=index, part=part)

    @classmethod
    def parse(cls, raw: str) -> SegmentKey:
        """Read a stored key; ValueError for anything this module would not write."""
        m = _PATTERN.fullmatch(raw)
        if m is None:
            raise ValueError(f"not a segment key: {raw!r}")
        if m["single"]:
            return cls(m["single"])
        if m["lede"] is not None:
            return cls.lede(int(m["lede"]))
        if m["para"] is not None:
            return cls.body(int(m["para"]), int(m["sent"]))
        return cls.item(m["item"], int(m["index"]), m["part"])

    def __str__(self) -> str:
        if self.field == "lede":
            return f"lede.{self.sentence}"
        if self.field == "body":
            return f"body.{self.index}.{self.sentence}"
        if self.part is not None:
            return f"{self.field}.{self.index}.{self.part}"
        return self.field

    def label(self) -> str:
        """A translator-friendly name ("body.2.0" -> "Paragraph 3, sentence 1")."""
        n = (self.index or 0) + 1
        s = (self.sentence or 0) + 1
        labels = {
            ("title", None): _l("Title"),
            ("location", None): _l("Place"),
            ("lede", None): _l("Lede, sentence %(s)d", s=s),
            ("body", None): _l("Paragraph %(p)d, sentence %(s)d", p=n, s=s),
            ("quote", "text"): _l("Quote %(n)d", n=n),
            ("quote", "speaker"): _l("Quote %(n)d: speaker", n=n),
            ("participant", "name"): _l("Participant %(n)d: name", n=n),
            ("participant", "role"): _l("Participant %(n)d: role", n=n),
            ("image", "caption"): _l("Photo %(n)d: caption", n=n),
            ("photo", "caption"): _l("Photo %(n)d: caption", n=n),
            ("photo", "alt"): _l("Photo %(n)d: alt text", n=n),
        }
        return str(labels[(self.field, self.part)])


def segment_label(raw: str) -> str:
    """Label a stored key for people; an unknown key is shown as it is."""
    try:
        return SegmentKey.parse(raw).label()
    except ValueError:
        return raw
