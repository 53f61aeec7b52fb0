"""Which segments are running prose: the lede and body sentences, where a summary keeps one
sentence style (titles, places, names, roles, captions and quotations are left alone)."""

from __future__ import annotations

from webapp.summaries.document import PROSE_FIELDS, SegmentKey


def is_prose(key: str) -> bool:
    """A lede or body sentence (or a key-less text), not a title, name, quotation or caption."""
    if not key:
        return True
    try:
        return SegmentKey.parse(key).field in PROSE_FIELDS
    except ValueError:
        return False
