"""The memory as people manage it: search, edit, delete (audited), and TMX export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, or_, select

from webapp.accounts import services as users
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, like_pattern, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.memory import tmx
from webapp.memory.importing import MAX_TEXT, OPTIMIZE_AFTER, UNSTORABLE, optimize_index
from webapp.translation import fuzzy
from webapp.translation.models import MemoryEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What the memory page and the API search by; every part optional."""

    q: str | None = None  # in the source or the target text
    pair: tuple[str, str] | None = None
    origin: str | None = None  # "approved" or "imported"
    origin_file: str | None = None
    approved_by: str | None = None  # an e-mail address
    since: date | None = None  # last changed, UTC days, inclusive
    until: date | None = None


@dataclass(frozen=True)
class Row:
    """One entry as listed, with the people it names."""

    entry: MemoryEntry
    approved_by: str | None
    created_by: str | None
    updated_by: str | None


def _filtered(filters: Filters) -> Select[MemoryEntry]:
    query = select(MemoryEntry)
    if filters.q:
        pattern = like_pattern(filters.q)
        query = query.where(
            or_(
                MemoryEntry.source_text.ilike(pattern, escape="\\"),
                MemoryEntry.target_text.ilike(pattern, escape="\\"),
            )
        )
    if filters.pair:
        query = query.where(
            MemoryEntry.source_locale == filters.pair[0],
            MemoryEntry.target_locale == filters.pair[1],
        )
    if filters.origin:
        query = query.where(MemoryEntry.origin == filters.origin)
    if filters.origin_file:
        query = query.where(MemoryEntry.origin_file == filters.origin_file)
    if filters.approved_by:
        query = query.join(User, User.id == MemoryEntry.approved_by_id).where(
            func.lower(User.email) == filters.approved_by.strip().lower()
        )
    if filters.since:
        query = query.where(MemoryEntry.updated_at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(MemoryEntry.updated_at < end)
    return query


def search(
    session: DbSession, filters: Filters, *, before_id: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Row], int | None]:
    """Newest entries first, a page at a time (keyset: pass the last id for the next page)."""
    query = _filtered(filters)
    if before_id is not None:
        query = query.where(MemoryEntry.id < before_id)
    entries = list(session.scalars(query.order_by(MemoryEntry.id.desc()).limit(limit + 1)))
    more = len(entries) > limit
    entries = entries[:limit]
    people = {
        pid
        for e in entries
        for pid in (e.approved_by_id, e.created_by_id, e.updated_by_id)
        if pid is not None
    }
    emails = users.emails_for(session, people)

    def who(pid: int | None) -> str | None:
        return emails.get(pid) if pid is not None else None

    rows = [
        Row(e, who(e.approved_by_id), who(e.created_by_id), who(e.updated_by_id)) for e in entries
    ]
    return rows, (entries[-1].id if more and entries else None)


def describe(session: DbSession, entry: MemoryEntry) -> Row:
    """One entry with the people it names."""
    ids = {pid for pid in (entry.approved_by_id, entry.created_by_id, entry.updated_by_id) if pid}
    emails = users.emails_for(session, ids)

    def who(pid: int | None) -> str | None:
        return emails.get(pid) if pid is not None else None

    return Row(entry, who(entry.approved_by_id), who(entry.created_by_id), who(entry.updated_by_id))


def get_entry(session: DbSession, entry_id: int) -> MemoryEntry:
    entry = session.get(MemoryEntry, entry_id)
    if entry is None:
        raise NotFound(str(_l("No such memory entry.")))
    return entry


def edit_entry(
    session: DbSession, entry: MemoryEntry, *, target: str, approved: bool, user: User
) -> MemoryEntry:
    """Correct an entry's target text, or approve it (or take its approval back); audited."""
    target = target.strip()
    if not target or len(target) > MAX_TEXT or UNSTORABLE.search(target):
        raise ValidationError(
            {"target": str(_l("Enter the translation (up to %(max)d characters).", max=MAX_TEXT))}
        )
    before = {"target": entry.target_text, "approved": entry.approved}
    if entry.target_text == target and entry.approved == approved:
        return entry
    entry.target_text = target
    if approved and not entry.approved:
        entry.approved_by_id = user.id
    if not approved:
        entry.approved_by_id = None
    entry.approved = approved
    entry.updated_by_id = user.id
    entry.updated_at = utcnow()
    audit.record(
        session,
        user,
        "memory.edit",
        "memory_entry",
        entry.id,
        before=before,
        after={"target": target, "approved": approved},
    )
    session.flush()
    return entry


def delete_entry(session: DbSession, entry: MemoryEntry, user: User | None) -> None:
    """Delete one entry; segments filled from it keep their text (their link is cleared)."""
    audit.record(
        session,
        user,
        "memory.delete",
        "memory_entry",
        entry.id,
        source=entry.source_text,
        target=entry.target_text,
        pair=f"{entry.source_locale}-{entry.target_locale}",
    )
    session.execute(delete(MemoryEntry).where(MemoryEntry.id == entry.id))
    session.expunge(entry)
    session.flush()


def delete_matching(session: DbSession, filters: Filters, user: User | None) -> int:
    """Delete every entry the filters find (e.g. one bad import, by its file); audited once."""
    if filters == Filters():
        raise ValidationError({"filters": str(_l("Say which entries to delete."))})
    ids = select(_filtered(filters).with_only_columns(MemoryEntry.id).subquery().c.id)
    result = session.execute(
        delete(MemoryEntry)
        .where(MemoryEntry.id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count >= OPTIMIZE_AFTER:
        optimize_index(session)
    if count:
        fuzzy.forget_candidates(session)  # kept match lists could have lost their best
    audit.record(
        session,
        user,
        "memory.delete_many",
        "memory",
        0,
        count=count,
        q=filters.q,
        origin=filters.origin,
        origin_file=filters.origin_file,
    )
    session.flush()
    return count


def _origin_label(entry: MemoryEntry) -> str:
    return f"imported:{entry.origin_file}" if entry.origin == "imported" else "approved"


def export_tmx(
    session: DbSession, pair: tuple[str, str] | None, tool_version: str = "1"
) -> Iterator[str]:
    """The memory (or one pair) as TMX, read a thousand rows at a time and written as it goes."""
    query = select(MemoryEntry).order_by(MemoryEntry.id)
    if pair:
        query = query.where(
            MemoryEntry.source_locale == pair[0], MemoryEntry.target_locale == pair[1]
        )

    def units() -> Iterator[tmx.OutUnit]:
        for entry in session.scalars(query.execution_options(yield_per=1000)):
            yield tmx.OutUnit(
                entry.source_locale,
                entry.target_locale,
                entry.source_text,
                entry.target_text,
                entry.created_at,
                entry.updated_at,
                entry.approved,
                _origin_label(entry),
            )

    return tmx.write(units(), pair[0] if pair else "*all*", tool_version)
