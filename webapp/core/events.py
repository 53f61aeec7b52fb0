"""Domain events: the one place where a state change is announced and other domains react.

A domain declares its events as frozen dataclasses (`translation.events`, `summaries.events`, ...)
and emits them from the function that makes the change. Other domains subscribe with
`@subscriber(EventClass)` in their own `subscribers.py`, which `webapp.domains` imports, so a lower
domain never imports the upper one that reacts (the dependency order stays one way).

Delivery is synchronous, inside the caller's transaction: a subscriber's writes commit with the
change or not at all. A subscriber whose work belongs outside the request enqueues a job there,
and the job table is the outbox (`jobs.queue`): the job commits with the event or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from webapp.core.db import DbSession


@dataclass(frozen=True)
class Event:
    """A state change that happened. `name` is what logs, metrics and webhooks call it."""

    name: ClassVar[str]


E = TypeVar("E", bound=Event)
Subscriber = Callable[[DbSession, Any], None]

_subscribers: dict[type[Event], list[Subscriber]] = defaultdict(list)


def subscriber(event_type: type[E]) -> Callable[[Callable[[DbSession, E], None]], Any]:
    """Register the decorated function for `event_type`; subscribing twice is once."""

    def register(fn: Callable[[DbSession, E], None]) -> Callable[[DbSession, E], None]:
        if fn not in _subscribers[event_type]:
            _subscribers[event_type].append(fn)
        return fn

    return register


def emit(session: DbSession, event: Event) -> None:
    """Deliver `event` to every subscriber of its class, in the caller's transaction."""
    for fn in list(_subscribers.get(type(event), ())):
        fn(session, event)


def unsubscribe(event_type: type[Event], fn: Subscriber) -> None:
    """Take a subscriber back (tests that listen for a while)."""
    if fn in _subscribers.get(event_type, ()):
        _subscribers[event_type].remove(fn)


def subscribers_of(event_type: type[Event]) -> list[Subscriber]:
    """Who reacts to `event_type` (for tests and the admin's overview)."""
    return list(_subscribers.get(event_type, ()))
