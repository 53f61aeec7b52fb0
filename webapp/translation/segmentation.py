"""Cut summary fields into stable, hashable translation segments (pure, offline, deterministic).

What is cut, and how, is the document's declaration (`summaries.document`); a segment is
addressed by its key and identified by the hash of its text.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from webapp.languages.sentences import check_locale
from webapp.summaries import document
from webapp.summaries.models import Revision


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


def source_segments(revision: Revision, locale: str) -> list[SourceSegment]:
    """The revision's translatable units (`summaries.document`), hashed, in reading order."""
    check_locale(locale)
    return [_segment(u.key, u.text, u.paragraph) for u in document.units(revision, locale)]
