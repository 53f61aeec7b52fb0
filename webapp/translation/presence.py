"""Presence, not locks: who else has a translation open, and what they last saved.

Rows are refreshed when a translator opens the page, saves a segment, or the page's heartbeat
runs (every BEAT); leaving the page removes the row (the page sends a beacon as it goes), and
anyone not seen for PRESENT_FOR (a closed laptop, a lost beacon) is no longer shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from webapp.accounts.models import User
from webapp.core.db import DbSession, utcnow
from webapp.translation.models import Presence

BEAT = timedelta(seconds=30)  # review.js beats this often while the page is visible
PRESENT_FOR = 3 * BEAT  # one lost beat is not leaving


@dataclass(frozen=True)
class Someone:
    email: str
    seen_at: datetime
    last_saved_key: str | None
    last_saved_at: datetime | None


def touch(
    session: DbSession, translation_id: int, user: User, saved_key: str | None = None
) -> None:
    """Note that `user` has the translation open (and, when given, which segment they saved)."""
    row = session.scalar(
        select(Presence).where(
            Presence.translation_id == translation_id, Presence.user_id == user.id
        )
    )
    if row is None:
        row = Presence(translation_id=translation_id, user_id=user.id)
        session.add(row)
    row.seen_at = utcnow()
    if saved_key is not None:
        row.last_saved_key, row.last_saved_at = saved_key, row.seen_at
    session.flush()


def leave(session: DbSession, translation_id: int, user: User) -> None:
    """`user` closed the translation's page (or went elsewhere): no longer shown as here."""
    session.execute(
        delete(Presence).where(
            Presence.translation_id == translation_id, Presence.user_id == user.id
        )
    )


def others(session: DbSession, translation_id: int, user: User) -> list[Someone]:
    """Everyone else seen on this translation recently, most recent first."""
    rows = session.execute(
        select(Presence, User.email)
        .join(User, User.id == Presence.user_id)
        .where(
            Presence.translation_id == translation_id,
            Presence.user_id != user.id,
            Presence.seen_at >= utcnow() - PRESENT_FOR,
        )
        .order_by(Presence.seen_at.desc())
    )
    return [Someone(email, p.seen_at, p.last_saved_key, p.last_saved_at) for p, email in rows]


def working_on(session: DbSession, translation_ids: list[int]) -> dict[int, list[str]]:
    """Who is on each translation now (for the review queue), in one query."""
    result: dict[int, list[str]] = {i: [] for i in translation_ids}
    if translation_ids:
        rows = session.execute(
            select(Presence.translation_id, User.email)
            .join(User, User.id == Presence.user_id)
            .where(
                Presence.translation_id.in_(translation_ids),
                Presence.seen_at >= utcnow() - PRESENT_FOR,
            )
            .order_by(User.email)
        )
        for translation_id, email in rows:
            result[translation_id].append(email)
    return result
