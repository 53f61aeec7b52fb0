"""When the database is away: tell that apart from other errors, say why, and wait for it.

The web answers such a failure with 503 and Retry-After (the request can simply be sent again),
the worker backs off and reconnects instead of exiting, and /readyz names the reason. Anything
else a database raises (a deadlock, a constraint, a statement timeout) is not an outage: retrying
the same work would fail the same way, so it stays the caller's error.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from sqlalchemy import exc as sa_exc

# PostgreSQL SQLSTATEs that mean "the server cannot serve now" (not "your statement is wrong").
_RESTARTING = {"57P01", "57P02", "57P03"}  # admin shutdown, crash shutdown, cannot connect now
_LOCKED = {"55P03"}  # lock_not_available (lock_timeout)
_BUSY_CLASSES = {"53"}  # insufficient resources: too many connections, disk full, out of memory
# SQLite's result codes of the same kind (sqlite3 errors carry them as sqlite_errorname).
_SQLITE_LOCKED = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_SQLITE_UNREACHABLE = {"SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL"}

REASONS = {
    "unreachable": "the database server cannot be reached or closed the connection",
    "restarting": "the database server is shutting down or starting up",
    "locked": "the database is locked by another writer for longer than this process waits",
    "busy": "the database has no connection or resource to spare",
}


def reason(exc: BaseException) -> str | None:
    """Why the database cannot serve right now (a key of REASONS), or None for any other error."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return "busy"
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    orig = exc.orig
    sqlite_code = getattr(orig, "sqlite_errorname", None)
    if sqlite_code is not None:
        if sqlite_code in _SQLITE_LOCKED:
            return "locked"
        return "unreachable" if sqlite_code in _SQLITE_UNREACHABLE else None
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _RESTARTING:
        return "restarting"
    if sqlstate in _LOCKED:
        return "locked"
    if sqlstate and sqlstate[:2] in _BUSY_CLASSES:
        return "busy"
    if exc.connection_invalidated or isinstance(exc, sa_exc.InterfaceError):
        return "unreachable"
    if sqlstate and sqlstate.startswith("08"):  # connection exception
        return "unreachable"
    if isinstance(exc, sa_exc.OperationalError) and sqlstate is None and sqlite_code is None:
        # psycopg's own connection failures (refused, reset, server closed) carry no SQLSTATE.
        return "unreachable"
    return None


def is_outage(exc: BaseException) -> bool:
    return reason(exc) is not None


class Backoff:
    """Waits between tries to reach the database: exponential with full jitter, capped.

    Says once that the outage began and once that it ended (with how long it lasted), however
    many tries it takes: a restart must not fill the log. Jitter keeps several workers from
    hammering a database that is coming back all at the same instant.
    """

    def __init__(
        self,
        what: str,
        logger: logging.Logger,
        *,
        first: float = 0.2,
        cap: float = 30.0,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.what = what
        self.log = logger
        self.first = first
        self.cap = cap
        self.rng = rng
        self.tries = 0
        self.since: float | None = None

    @property
    def failing(self) -> bool:
        return self.since is not None

    def delay(self) -> float:
        """The next wait: a random share of first * 2**tries, never above cap."""
        return self.rng() * min(self.cap, self.first * 2**self.tries)

    def failed(self, exc: BaseException) -> float:
        """Note one failed try; return how long to wait before the next."""
        if self.since is None:
            self.since = time.monotonic()
            why = reason(exc) or "error"
            self.log.warning(
                "%s: database unavailable (%s: %s); retrying with backoff up to %ss",
                self.what,
                why,
                first_line(exc),
                self.cap,
            )
        wait = self.delay()
        self.tries += 1
        return wait

    def wait(self, exc: BaseException, stop: threading.Event) -> None:
        """Note the failure and sleep its backoff, waking early when `stop` is set."""
        stop.wait(self.failed(exc))

    def recovered(self) -> None:
        """A try succeeded: say so once if an outage was going on, and start again from short."""
        if self.since is not None:
            self.log.warning(
                "%s: database back after %.1fs (failed tries: %d)",
                self.what,
                time.monotonic() - self.since,
                self.tries,
            )
        self.since, self.tries = None, 0


def first_line(exc: BaseException) -> str:
    """The driver's own message, first line only, for a log line."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0][:200] if text else type(orig).__name__
