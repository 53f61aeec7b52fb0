"""Server-side session records: a signed-in browser lives exactly as long as its row.

The cookie holds a random key; the row holds its SHA-256, when it started and when it was last
seen. A request whose key has no row, or whose row is past the idle or absolute timeout, is
anonymous. Ending sessions is deleting rows, so it takes effect on the very next request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from webapp.accounts.models import User, UserSession
from webapp.core.db import DbSession, rowcount, utcnow

# Writing last_seen_at on every request would make every page a write; once a minute is enough
# for an idle timeout counted in minutes.
TOUCH_EVERY = timedelta(minutes=1)


def digest(secret: str) -> str:
    """SHA-256 of a bearer secret (session key or API token): what the database keeps."""
    return hashlib.sha256(secret.encode()).hexdigest()


def start(session: DbSession, user: User, *, user_agent: str = "", address: str = "") -> str:
    """Record a new signed-in session for `user`; returns the key for the cookie."""
    key = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            key_hash=digest(key),
            user_agent=user_agent[:200],
            address=address[:64],
        )
    )
    session.flush()
    return key


# Why a browser that was signed in is not any more: what the sign-in page tells the person.
IDLE, ABSOLUTE, ENDED = "idle", "absolute", "ended"


def alive(
    session: DbSession,
    key: str | None,
    *,
    idle: timedelta,
    absolute: timedelta,
    now: datetime | None = None,
) -> UserSession | None:
    """The live session row for `key`, with its user (one query); expired rows are removed."""
    return check(session, key, idle=idle, absolute=absolute, now=now)[0]


def check(
    session: DbSession,
    key: str | None,
    *,
    idle: timedelta,
    absolute: timedelta,
    now: datetime | None = None,
) -> tuple[UserSession | None, str | None]:
    """The live session row for `key`, or None and why it ended (IDLE, ABSOLUTE or ENDED:
    signed out elsewhere, password changed, account disabled); None, None without a key."""
    if not key:
        return None, None
    row = session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.key_hash == digest(key))
    )
    if row is None:
        return None, ENDED
    now = now or utcnow()
    if now - row.created_at > absolute or now - row.last_seen_at > idle:
        session.delete(row)  # the caller commits (accounts.views._load_user)
        return None, ABSOLUTE if now - row.created_at > absolute else IDLE
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return row, None


def end(session: DbSession, key: str | None) -> None:
    if key:
        session.execute(delete(UserSession).where(UserSession.key_hash == digest(key)))


def end_all(session: DbSession, user: User, *, keep: str | None = None) -> int:
    """End every session of `user` (but `keep`, the caller's own); returns how many ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.key_hash != digest(keep))
    return rowcount(session.execute(query))


def list_for(session: DbSession, user: User) -> list[UserSession]:
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.last_seen_at.desc())
        )
    )


def last_seen_by_user(session: DbSession) -> dict[int, datetime]:
    """When each user was last active in any live session (the admin's user list)."""
    rows = session.execute(
        select(UserSession.user_id, func.max(UserSession.last_seen_at)).group_by(
            UserSession.user_id
        )
    )
    return {user_id: seen for user_id, seen in rows}


def is_current(row: UserSession, key: str | None) -> bool:
    return bool(key) and row.key_hash == digest(key or "")
