"""Translation memory: approved pairs reused for identical source text, with their context.

A match whose neighbouring sentences also match (a context match) is the same sentence in the same
place and may arrive approved; a plain exact match arrives as a draft that names where it came from.
The rule is the setting MEMORY_AUTO_APPROVE: "context" (default), "exact" or "never".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

from flask import current_app
from sqlalchemy import select, update

from webapp.accounts.models import User
from webapp.core.db import DbSession, upsert_insert, utcnow
from webapp.translation.models import MemoryEntry

RULES = ("context", "exact", "never")


class Hashed(Protocol):
    source_hash: str


def neighbours(items: Sequence[Hashed], index: int) -> tuple[str | None, str | None]:
    """The source hashes just before and after item `index` (None at either end)."""
    before = items[index - 1].source_hash if index > 0 else None
    after = items[index + 1].source_hash if index + 1 < len(items) else None
    return before, after


def lookup(
    session: DbSession, source: str, target: str, hashes: list[str]
) -> dict[str, MemoryEntry]:
    """Approved pairs for these source hashes, in one query."""
    if not hashes:
        return {}
    rows = session.scalars(
        select(MemoryEntry).where(
            MemoryEntry.source_locale == source,
            MemoryEntry.target_locale == target,
            MemoryEntry.source_hash.in_(set(hashes)),
        )
    )
    return {m.source_hash: m for m in rows}


def arrives_approved(entry: MemoryEntry, context: tuple[str | None, str | None]) -> bool:
    """Whether a memory match may skip review, by the deployment's rule (never an unapproved
    import)."""
    if not entry.approved:
        return False
    rule = current_app.config.get("MEMORY_AUTO_APPROVE", "context")
    if rule == "exact":
        return True
    if rule == "context":
        return (entry.prev_hash, entry.next_hash) == context
    return False


def remember(
    session: DbSession,
    source: str,
    target: str,
    seg: Hashed,
    source_text: str,
    text: str,
    context: tuple[str | None, str | None],
    user: User,
) -> MemoryEntry:
    """Store an approved pair with its context (the newest approval wins).

    One statement, an upsert: two translators approving the same sentence at once both land
    (the later one wins) instead of the second tripping over the first's new row.
    """
    values = {
        "source_locale": source,
        "target_locale": target,
        "source_hash": seg.source_hash,
        "source_text": source_text,
        "target_text": text,
        "prev_hash": context[0],
        "next_hash": context[1],
        "approved_by_id": user.id,
        "updated_at": utcnow(),
        "created_at": utcnow(),
        "created_by_id": user.id,
        "updated_by_id": user.id,
        "origin": "approved",
        "approved": True,
        "origin_file": None,
        "imported_by": None,
    }
    insert = upsert_insert(session)
    # An imported pair approved here becomes this approval (the file it came from is no longer
    # its origin); its use count stays.
    kept = (
        "target_text",
        "prev_hash",
        "next_hash",
        "approved_by_id",
        "updated_at",
        "updated_by_id",
        "origin",
        "approved",
        "origin_file",
        "imported_by",
    )
    statement = insert(MemoryEntry).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["source_locale", "target_locale", "source_hash"],
            set_={name: statement.excluded[name] for name in kept},
        )
    )
    entry = session.scalar(
        select(MemoryEntry)
        .where(
            MemoryEntry.source_locale == source,
            MemoryEntry.target_locale == target,
            MemoryEntry.source_hash == seg.source_hash,
        )
        .execution_options(populate_existing=True)
    )
    assert entry is not None  # just written
    return entry


def record_use(session: DbSession, entry_ids: Iterable[int]) -> None:
    """Count each use of a memory entry (an exact fill or a close match taken), one statement
    per distinct count: the page that merely offers matches writes nothing."""
    by_count: dict[int, list[int]] = {}
    for entry_id, times in Counter(entry_ids).items():
        by_count.setdefault(times, []).append(entry_id)
    now = utcnow()
    for times, ids in by_count.items():
        session.execute(
            update(MemoryEntry)
            .where(MemoryEntry.id.in_(ids))
            .values(use_count=MemoryEntry.use_count + times, last_used_at=now)
            .execution_options(synchronize_session=False)
        )
