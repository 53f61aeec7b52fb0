"""Cut summary fields into stable, hashable translation segments (pure, offline, deterministic).

Sentences are split by `languages.sentences`; a segment is addressed by its key
(`core.segment_keys`) and identified by the hash of its text.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from webapp.core.segment_keys import SegmentKey
from webapp.languages.sentences import (
    check_locale,
    join_lines,
    split_paragraphs,
    split_sentences,
)


def _flatten(text: str) -> str:
    """Turn a one-segment field (title, quote, caption) into a single normalised line."""
    return join_lines(split_paragraphs(text))


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
    photo_captions: Sequence[str] = (),
    photo_alts: Sequence[str] = (),
) -> list[SourceSegment]:
    """Cut a summary's translatable fields into keyed segments in reading order.

    Names are segments too: a Japanese reader needs 小泉進次郎, not only "Shinjirō Koizumi".
    """
    check_locale(locale)
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
        ("photo", "caption", photo_captions),
        ("photo", "alt", photo_alts),
    )
    for field, part, values in item_parts:
        for i, value in enumerate(values):
            if flat := _flatten(value):
                segments.append(_segment(str(SegmentKey.item(field, i, part)), flat))
    return segments
