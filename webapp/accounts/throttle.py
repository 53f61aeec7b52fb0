"""Failed sign-ins slow further tries down, progressively, instead of locking the owner out.

Counted in the database, so every web process and machine shares one count. Per account and per
address: after `free` failures within the window, each further try must wait twice as long as
the one before since the last failure (1 s, 2 s, 4 s, ...), up to `cap`. A guesser gets at most
one try per `cap` seconds per account, wherever it comes from (ASVS 2.2.1: no more than 100 an
hour), while the real owner, even during an attack on their account, waits at most `cap` seconds
for their right password to be taken. A success clears the account's count.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select

from webapp.accounts.models import SignInFailures
from webapp.core.db import DbSession, upsert_insert, utcnow


@dataclass(frozen=True)
class Policy:
    free_per_account: int
    free_per_address: int
    window: timedelta  # failures older than this are forgotten
    cap_seconds: float


def keys(email: str, address: str) -> dict[str, str]:
    """The counters one attempt touches, by the policy's allowance they use.

    Hashed: whatever was typed (any length, NUL included) makes a key the column holds, and the
    table does not keep a list of the addresses people tried.
    """
    return {"account": "account:" + _digest(email), "address": "address:" + _digest(address)}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def wait_seconds(
    session: DbSession, email: str, address: str, policy: Policy, now: datetime | None = None
) -> int:
    """How long this attempt must wait before it is tried (0: go ahead), whole seconds."""
    now = now or utcnow()
    counted = keys(email, address)
    rows = {
        row.key: row
        for row in session.scalars(
            select(SignInFailures).where(SignInFailures.key.in_(counted.values()))
        )
    }
    free = {"account": policy.free_per_account, "address": policy.free_per_address}
    longest = 0.0
    for kind, key in counted.items():
        row = rows.get(key)
        if row is None or row.last_failed_at < now - policy.window:
            continue
        over = row.failures - free[kind]
        if over < 0:
            continue
        delay = min(2.0**over, policy.cap_seconds)
        longest = max(
            longest, (row.last_failed_at + timedelta(seconds=delay) - now).total_seconds()
        )
    return math.ceil(longest) if longest > 0 else 0


def failed(
    session: DbSession, email: str, address: str, policy: Policy, now: datetime | None = None
) -> None:
    """Count one failure on each counter, in one statement each (two at once both count)."""
    now = now or utcnow()
    insert = upsert_insert(session)
    for key in keys(email, address).values():
        statement = insert(SignInFailures).values(key=key, failures=1, last_failed_at=now)
        stale = SignInFailures.last_failed_at < now - policy.window
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "failures": case((stale, 1), else_=SignInFailures.failures + 1),
                    "last_failed_at": now,
                },
            )
        )


def succeeded(session: DbSession, email: str) -> None:
    """The owner got in: their account starts again from no failures (the address does not)."""
    session.execute(delete(SignInFailures).where(SignInFailures.key == keys(email, "")["account"]))
