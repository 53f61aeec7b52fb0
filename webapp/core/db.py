"""Column helpers shared by the model modules."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, Enum, Result, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, scoped_session

# Services take either a plain Session (worker, CLI, tests) or Flask-SQLAlchemy's scoped one.
DbSession = Session | scoped_session[Any]


def utcnow() -> datetime:
    """Timezone-aware now, so SQLite and PostgreSQL store the same instant."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp always returned timezone-aware in UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def str_enum(enum_cls: type[enum.Enum]) -> Enum:
    """Store an enum as its string value (portable, readable in SQL, no native DB enum)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (compare-and-set checks read this)."""
    return cast(CursorResult[Any], result).rowcount


def upsert_insert(session: DbSession) -> Callable[..., Any]:
    """The dialect's INSERT that knows ON CONFLICT (PostgreSQL and SQLite spell it alike), for
    writes that two requests may make at once: the database settles the race, not a SELECT."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def like_pattern(text: str) -> str:
    """`%text%` for LIKE ... ESCAPE '\\', with the user's own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
