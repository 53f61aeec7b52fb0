"""Job kinds and their handlers: domains register here, so the worker knows no domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from webapp.core.db import DbSession

Payload = dict[str, Any]


@dataclass(frozen=True)
class JobHandler:
    """How to run one kind of job, and what to do when it is given up."""

    kind: str
    run: Callable[[DbSession, Payload, Flask], None]
    # Called in a fresh transaction after the last attempt failed (show the failure to people).
    on_give_up: Callable[[DbSession, Payload, Exception], None] | None = None
    # Errors whose message is meant for people (kept as is, no traceback in the log).
    expected_errors: tuple[type[Exception], ...] = ()
    # Errors that no retry can fix (a missing model): give up at once.
    final_errors: tuple[type[Exception], ...] = ()


_handlers: dict[str, JobHandler] = {}


def register(handler: JobHandler) -> JobHandler:
    """Register a handler for its kind (registering the same kind twice is a bug)."""
    existing = _handlers.get(handler.kind)
    if existing is not None and existing != handler:
        raise ValueError(f"a handler for job kind {handler.kind!r} is already registered")
    _handlers[handler.kind] = handler
    return handler


def handler_for(kind: str) -> JobHandler | None:
    return _handlers.get(kind)


def kinds() -> list[str]:
    return sorted(_handlers)
