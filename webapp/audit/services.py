"""Recording audit events from any service, and reading them back for the admin page.

The app only ever appends: there is no update or delete of an event anywhere in the code, and
`webapp.audit.models` refuses one at flush time should a future change try.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from webapp.audit.models import AuditEvent
from webapp.core.cli import operator
from webapp.core.db import DbSession

PAGE_SIZE = 50


class Actor(Protocol):
    """Whoever acted: a signed-in user (`accounts.models.User`); audit needs only the id."""

    @property
    def id(self) -> int: ...


def record(
    session: DbSession, actor: Actor | None, action: str, obj_type: str, obj_id: int, **detail: Any
) -> None:
    """Append who did what to which object; committed with the change it describes.

    With no signed-in actor inside a `flask ...` command, the shell account is named instead.
    """
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            operator=operator() if actor is None else None,
            action=action,
            object_type=obj_type,
            object_id=obj_id,
            detail=detail,
        )
    )


@dataclass(frozen=True)
class Filters:
    action: str | None = None
    actor_id: int | None = None
    object_type: str | None = None
    object_id: int | None = None
    since: date | None = None
    until: date | None = None  # inclusive: the whole day


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    older: int | None  # the id to continue from (keyset), None on the last page


def browse(
    session: DbSession, filters: Filters, *, before: int | None = None, size: int | None = None
) -> Page:
    """Newest first, `size` (default PAGE_SIZE) at a time, continuing below event id `before`."""
    size = size or PAGE_SIZE
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(size + 1)
    if before:
        query = query.where(AuditEvent.id < before)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEvent.created_at >= _midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.created_at < _midnight(filters.until + timedelta(days=1)))
    events = list(session.scalars(query))
    older = events[size - 1].id if len(events) > size else None
    return Page(events[:size], older)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def actions(session: DbSession) -> list[str]:
    """Every action recorded so far (the filter's choices)."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def object_types(session: DbSession) -> list[str]:
    return list(
        session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))
    )
