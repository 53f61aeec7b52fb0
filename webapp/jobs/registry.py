"""Job kinds and their handlers: domains register here, so the worker knows no domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from webapp.core.db import DbSession

Payload = dict[str, Any]
# What a batch runner gives back for each job: a function that applies the job's result in the
# session (its work then commits with the job's DONE), or the error that failed that job alone.
Outcome = Callable[[DbSession], None] | Exception


@dataclass(frozen=True)
class Capability:
    """What a worker's engine for some kinds can do, recorded on its row (machine translation:
    the language pairs installed in its model folder, the device and the compute type)."""

    pairs: tuple[str, ...] = ()
    device: str | None = None
    compute_type: str | None = None


@dataclass(frozen=True)
class JobHandler:
    """How to run one kind of job, and what to do when it is given up."""

    kind: str
    run: Callable[[DbSession, Payload, Flask], None]
    # Optional: run several claimed jobs of this kind at once (one engine call for all, say),
    # returning one Outcome per payload, in order. The worker still finishes, fails or releases
    # each job on its own. `batch_size(app)` says how many to claim at once (1: one by one).
    run_batch: Callable[[DbSession, list[Payload], Flask], list[Outcome]] | None = None
    batch_size: Callable[[Flask], int] | None = None
    # Called in a fresh transaction after the last attempt failed (show the failure to people).
    on_give_up: Callable[[DbSession, Payload, Exception], None] | None = None
    # Errors whose message is meant for people (kept as is, no traceback in the log).
    expected_errors: tuple[type[Exception], ...] = ()
    # Errors that no retry can fix (a missing model): give up at once.
    final_errors: tuple[type[Exception], ...] = ()
    # How many attempts, and the first retry's delay in seconds (doubling after each failure),
    # when this kind needs its own (a webhook receiver may be down for an hour); None: the
    # queue's JOB_MAX_ATTEMPTS and JOB_BACKOFF_SECONDS.
    max_attempts: Callable[[Flask], int] | None = None
    backoff_seconds: Callable[[Flask], float] | None = None
    # The name `flask worker --kinds` also knows this kind by (several kinds served by one
    # engine: "machine_translate" takes the one-segment redo jobs too); None: the kind alone.
    family: str | None = None
    # What a worker taking this kind can do, read by its heartbeat (cheap: called every beat).
    capability: Callable[[Flask], Capability] | None = None


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


def names() -> list[str]:
    """Every name `flask worker --kinds` accepts: the kinds and their families."""
    return sorted({*_handlers, *(h.family for h in _handlers.values() if h.family)})


def select_kinds(wanted: list[str]) -> list[str]:
    """The kinds `wanted` names (a kind, or a family naming several); ValueError names the
    unknown ones with the list of known ones."""
    unknown = sorted(set(wanted) - set(names()))
    if unknown:
        raise ValueError(f"Unknown job kind(s): {', '.join(unknown)}. Known: {', '.join(names())}.")
    return sorted(
        kind for kind, h in _handlers.items() if kind in wanted or (h.family or kind) in wanted
    )
