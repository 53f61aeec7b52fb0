"""Column helpers shared by the model modules."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, TypeDecorator


def utcnow() -> datetime:
    """Timezone-aware now, so SQLite and PostgreSQL store the same instant."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp always returned timezone-aware in UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
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
