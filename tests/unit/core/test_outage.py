"""Telling an outage from other database errors, and backing off without flooding the log."""

from __future__ import annotations

import itertools
import logging
import sqlite3

import pytest
from sqlalchemy import exc as sa_exc

from webapp.core import outage


class PgError(Exception):
    """Stands for a psycopg error: what `reason` reads is its SQLSTATE."""

    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def wrapped(orig: Exception, kind=sa_exc.OperationalError, invalidated: bool = False):
    return kind("SELECT 1", {}, orig, connection_invalidated=invalidated)


def sqlite_error(message: str, code: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorname = code
    return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (wrapped(PgError("57P01")), "restarting"),  # admin shutdown
        (wrapped(PgError("57P03")), "restarting"),  # starting up
        (wrapped(PgError(None)), "unreachable"),  # connection refused: no SQLSTATE
        (wrapped(PgError("08006")), "unreachable"),
        (wrapped(PgError("XX000"), invalidated=True), "unreachable"),
        (wrapped(PgError("53300")), "busy"),  # too many connections
        (wrapped(PgError("55P03")), "locked"),  # lock_timeout
        (wrapped(sqlite_error("database is locked", "SQLITE_BUSY")), "locked"),
        (wrapped(sqlite_error("unable to open database file", "SQLITE_CANTOPEN")), "unreachable"),
        (sa_exc.TimeoutError("QueuePool limit reached"), "busy"),
        # Not outages: retrying the same work fails the same way.
        (wrapped(PgError("40P01")), None),  # deadlock: the caller's race to settle
        (wrapped(PgError("57014")), None),  # statement timeout: a job that is too slow
        (wrapped(PgError("23505"), kind=sa_exc.IntegrityError), None),
        (wrapped(sqlite_error("no such table: x", "SQLITE_ERROR")), None),
        (ValueError("not a database error"), None),
    ],
)
def test_reason_names_outages_and_nothing_else(error, expected):
    assert outage.reason(error) == expected
    assert expected is None or expected in outage.REASONS


def test_backoff_grows_to_its_cap_with_jitter_and_logs_an_outage_once(caplog):
    draws = itertools.chain([1.0] * 12, itertools.repeat(0.0))
    backoff = outage.Backoff(
        "worker w", logging.getLogger("t"), first=0.2, cap=3, rng=lambda: next(draws)
    )
    error = wrapped(PgError(None))
    with caplog.at_level(logging.WARNING, logger="t"):
        waits = [backoff.failed(error) for _ in range(12)]
        assert backoff.failed(error) == 0.0  # full jitter: anywhere from nothing to the bound
        backoff.recovered()
        backoff.recovered()  # nothing more to say
    assert waits[:5] == [0.2, 0.4, 0.8, 1.6, 3]
    assert max(waits) == 3
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("worker w: database unavailable (unreachable")
    assert messages[1].startswith("worker w: database back after") and "13" in messages[1]
    assert not backoff.failing
