"""Column values to JSON and back, chosen by the column's type (so new columns need no code).

Timestamps: ISO 8601 in UTC with the offset (naive ones stay naive); dates and times: ISO 8601;
JSON columns: JSON as is; enums: their stored string; bytes: base64; decimals: strings.
"""

from __future__ import annotations

import base64
import enum
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Time,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.types import TypeEngine

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def _base_type(column: Column[Any]) -> TypeEngine[Any]:
    type_ = column.type
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


def _encode_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)  # PostgreSQL answers in the session's time zone
    return value.isoformat()


def _decode_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 timestamp")
    return datetime.fromisoformat(value)


def _decode_date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 date")
    return date.fromisoformat(value)


def _decode_time(value: Any) -> time:
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 time")
    return time.fromisoformat(value)


def _decode_bytes(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(value, validate=True)


def _expect(*types: type) -> Decoder:
    def check(value: Any) -> Any:
        # bool is an int in Python; a JSON true in an integer column is still a mistake.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ValueError(f"expected {' or '.join(t.__name__ for t in types)}")
        return value

    return check


def _enum_decoder(type_: Enum) -> Decoder:
    allowed = set(type_.enums)

    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(sorted(allowed))}")
        return value

    return check


def _identity(value: Any) -> Any:
    return value


def codec(column: Column[Any]) -> tuple[Encoder, Decoder] | None:
    """How to write and read this column's values (None: a type backups do not know yet)."""
    type_ = _base_type(column)
    # Order matters: Enum is a String, Float is a Numeric, DateTime is not a Date.
    if isinstance(type_, Enum):
        return (lambda v: v.value if isinstance(v, enum.Enum) else v), _enum_decoder(type_)
    if isinstance(type_, JSON):
        return _identity, _identity
    if isinstance(type_, DateTime):
        return _encode_datetime, _decode_datetime
    if isinstance(type_, Date):
        return (lambda v: v.isoformat()), _decode_date
    if isinstance(type_, Time):
        return (lambda v: v.isoformat()), _decode_time
    if isinstance(type_, LargeBinary):
        return (lambda v: base64.b64encode(v).decode("ascii")), _decode_bytes
    if isinstance(type_, Float):
        return _identity, lambda v: float(_expect(int, float)(v))
    if isinstance(type_, Numeric):
        return str, lambda v: Decimal(_expect(str)(v))
    if isinstance(type_, Boolean):
        return _identity, _expect(bool)
    if isinstance(type_, Integer):
        return _identity, _expect(int)
    if isinstance(type_, String):
        return _identity, _expect(str)
    if isinstance(type_, Uuid):
        return str, lambda v: uuid.UUID(_expect(str)(v))
    return None


def encoders(columns: list[Column[Any]]) -> list[tuple[str, Encoder]]:
    """Each column's name and encoder; every column must have a codec (see `codec`)."""
    found = []
    for column in columns:
        pair = codec(column)
        if pair is None:
            raise TypeError(f"no backup codec for {column.table.name}.{column.name}")
        found.append((column.name, pair[0]))
    return found


def encode_row(row: Any, encoders: list[tuple[str, Encoder]]) -> dict[str, Any]:
    """One database row as a JSON object; NULL stays null."""
    mapping = row._mapping
    return {
        name: None if (value := mapping[name]) is None else encode(value)
        for name, encode in encoders
    }
