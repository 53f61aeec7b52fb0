"""The inbox and its rules: who is told, coalescing a burst, preferences, when mail goes out.

Subscribers (`subscribers.py`) decide the recipients of each event; `notify` records the inbox
line and queues the person's mail job at the time their preference says. Services take plain
arguments, flush and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select, update

from webapp.accounts.models import Role, User, UserRole
from webapp.core.db import DbSession, rowcount, utcnow
from webapp.core.timezones import is_zone
from webapp.jobs import queue
from webapp.notifications.kinds import DEFAULTS, Frequency, Kind
from webapp.notifications.models import Notification, NotificationPreference
from webapp.summaries.models import Revision, Summary
from webapp.translation.models import SegmentTranslation, Translation, TranslationStatus

MAIL_JOB = "notify_mail"
DEADLINE_JOB = "notify_deadline"
DIGEST_HOUR = 8  # the daily digest leaves at 08:00 in the person's own zone


# Who: the people an event concerns, still there and active.


def active(session: DbSession, ids: Iterable[int | None], actor_id: int | None) -> list[int]:
    """The ids of existing, active accounts among `ids`, without the one who acted."""
    wanted = {i for i in ids if i is not None and i != actor_id}
    if not wanted:
        return []
    found = session.scalars(select(User.id).where(User.id.in_(wanted), User.active.is_(True)))
    return sorted(found)


def translators_of(session: DbSession, locale: str) -> list[int]:
    """Translators who hold `locale` (a translator row without a locale holds them all)."""
    return list(
        session.scalars(
            select(UserRole.user_id)
            .where(
                UserRole.role == Role.TRANSLATOR,
                or_(UserRole.locale == locale, UserRole.locale.is_(None)),
            )
            .distinct()
        )
    )


def author_of(session: DbSession, summary_id: int) -> int | None:
    return session.scalar(select(Summary.created_by_id).where(Summary.id == summary_id))


def workers_on(session: DbSession, summary_id: int, locale: str) -> set[int | None]:
    """The translators who worked on the summary's translation into `locale`."""
    tr = session.scalar(
        select(Translation).where(
            Translation.summary_id == summary_id, Translation.locale == locale
        )
    )
    if tr is None:
        return set()
    people: set[int | None] = {tr.assignee_id, tr.approved_by_id}
    rows = session.execute(
        select(SegmentTranslation.edited_by_id, SegmentTranslation.approved_by_id).where(
            SegmentTranslation.translation_id == tr.id
        )
    )
    for edited, approved in rows:
        people |= {edited, approved}
    return people


# The inbox.


def notify(
    session: DbSession,
    recipients: Iterable[int],
    kind: Kind,
    *,
    summary_id: int | None,
    locale: str | None = None,
    translation_id: int | None = None,
    question_id: int | None = None,
    actor_id: int | None = None,
) -> list[Notification]:
    """Record `kind` for each recipient: bump their unread line of the same (kind, summary,
    locale), or add one; then queue their mail at the time their preference says."""
    now = utcnow()
    made = []
    for recipient in recipients:
        row = session.scalar(
            select(Notification)
            .where(
                Notification.recipient_id == recipient,
                Notification.read_at.is_(None),
                Notification.kind == kind,
                _same(Notification.summary_id, summary_id),
                _same(Notification.locale, locale),
            )
            .order_by(Notification.id.desc())
            .limit(1)
        )
        if row is None:
            row = Notification(recipient_id=recipient, kind=kind, summary_id=summary_id)
            row.locale, row.count, row.created_at = locale, 1, now
            session.add(row)
        else:
            row.count += 1
            row.mailed_at = None  # the news since the last mail goes out in the next one
        row.updated_at = now
        row.translation_id = translation_id or row.translation_id
        row.question_id = question_id or row.question_id
        row.actor_id = actor_id
        made.append(row)
    session.flush()
    for row in made:
        schedule_mail(session, row.recipient_id, kind, now)
    return made


def _same(column, value):  # type: ignore[no-untyped-def]
    return column.is_(None) if value is None else column == value


def inbox(
    session: DbSession, user: User, unread: bool = False, limit: int = 100
) -> list[Notification]:
    """The person's lines, newest first."""
    query = select(Notification).where(Notification.recipient_id == user.id)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return list(
        session.scalars(
            query.order_by(Notification.updated_at.desc(), Notification.id.desc()).limit(limit)
        )
    )


def unread_count(session: DbSession, user_id: int) -> int:
    """One COUNT over `ix_notifications_unread` (the staff navigation shows it on every page)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: DbSession, user: User, ids: list[int] | None) -> int:
    """Mark these lines of the person's (all of them when `ids` is None) read; how many were."""
    query = update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    done = session.execute(
        query.values(read_at=utcnow()).execution_options(synchronize_session=False)
    )
    return rowcount(done)


def clear_question(session: DbSession, question_id: int) -> None:
    """A resolved question waits for nobody: its "question for you" lines are read."""
    session.execute(
        update(Notification)
        .where(
            Notification.question_id == question_id,
            Notification.kind == Kind.QUESTION,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


class Title(NamedTuple):
    text: str
    lang: str  # the summary's source language (the title is shown as written)


def titles(session: DbSession, summary_ids: Iterable[int | None]) -> dict[int, Title]:
    """Summary id -> its current title, for a whole inbox page in one query."""
    wanted = {i for i in summary_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Summary.id, Revision.title, Summary.source_locale)
        .join(Revision, Revision.id == Summary.current_revision_id)
        .where(Summary.id.in_(wanted))
    )
    return {sid: Title(title, lang) for sid, title, lang in rows}


def deadlines(session: DbSession, translation_ids: Iterable[int | None]) -> dict[int, datetime]:
    """Translation id -> its "needed by" time, for those that have one (one query)."""
    wanted = {i for i in translation_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Translation.id, Translation.needed_by).where(
            Translation.id.in_(wanted), Translation.needed_by.is_not(None)
        )
    )
    return {tid: at for tid, at in rows if at is not None}


# Preferences.


def preferences(session: DbSession, user_id: int) -> dict[Kind, Frequency]:
    """Every kind with the person's choice, or its default."""
    rows = session.execute(
        select(NotificationPreference.kind, NotificationPreference.frequency).where(
            NotificationPreference.user_id == user_id
        )
    )
    chosen = {kind: frequency for kind, frequency in rows}
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in Kind}


def set_preferences(session: DbSession, user: User, chosen: dict[Kind, Frequency]) -> None:
    """Save the person's choices; mail already waiting follows the new choice."""
    rows = {
        p.kind: p
        for p in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for kind, frequency in chosen.items():
        if kind in rows:
            rows[kind].frequency = frequency
        else:
            session.add(NotificationPreference(user_id=user.id, kind=kind, frequency=frequency))
    session.flush()
    now = utcnow()
    waiting = session.scalars(
        select(Notification.kind)
        .where(Notification.recipient_id == user.id, Notification.mailed_at.is_(None))
        .distinct()
    )
    for kind in list(waiting):
        schedule_mail(session, user.id, kind, now)


# When mail goes out.


def mail_enabled() -> bool:
    return current_app.config.get("MAIL_BACKEND") not in (None, "", "dummy")


def schedule_mail(session: DbSession, user_id: int, kind: Kind, now: datetime) -> None:
    """Queue the person's mail of this kind's frequency, once per person and frequency."""
    frequency = preferences(session, user_id)[kind]
    if frequency == Frequency.NEVER or not mail_enabled():
        return
    zone = session.scalar(select(User.time_zone).where(User.id == user_id))
    queue.enqueue_once(
        session,
        MAIL_JOB,
        {"user_id": user_id, "frequency": str(frequency)},
        dedupe_key=f"{MAIL_JOB}:{user_id}:{frequency}",
        run_after=send_at(frequency, now, _zone(zone)),
    )


def _zone(name: str | None) -> tzinfo:
    return ZoneInfo(name) if name and is_zone(name) else UTC


def send_at(frequency: Frequency, now: datetime, zone: tzinfo) -> datetime:
    """When mail gathered at `now` leaves: after the gathering time, at the next full hour, or
    at the next DIGEST_HOUR in the person's zone (a wall-clock time, so DST moves it with them)."""
    if frequency == Frequency.IMMEDIATE:
        return now + timedelta(seconds=float(current_app.config["NOTIFY_GATHER_SECONDS"]))
    local = now.astimezone(zone)
    if frequency == Frequency.HOURLY:
        return (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).astimezone(
            UTC
        )
    at = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=zone)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), time(DIGEST_HOUR), tzinfo=zone)
    return at.astimezone(UTC)


def unmailed(session: DbSession, user_id: int, frequency: Frequency) -> list[Notification]:
    """The person's unread lines not mailed yet whose kind is mailed at `frequency`, oldest
    first (a line read in the inbox before its mail left needs no mail)."""
    kinds = [k for k, f in preferences(session, user_id).items() if f == frequency]
    if not kinds:
        return []
    return list(
        session.scalars(
            select(Notification)
            .where(
                Notification.recipient_id == user_id,
                Notification.mailed_at.is_(None),
                Notification.read_at.is_(None),  # seen in the inbox already: not mailed
                Notification.kind.in_(kinds),
            )
            .order_by(Notification.updated_at, Notification.id)
        )
    )


def mark_mailed(session: DbSession, rows: list[Notification], now: datetime) -> None:
    """Mark what the mail carried; a line bumped meanwhile (its count moved) waits for the next."""
    for row in rows:
        session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.count == row.count)
            .values(mailed_at=now)
            .execution_options(synchronize_session=False)
        )


# Deadlines.


def schedule_deadline(
    session: DbSession, translation_id: int, needed_by: datetime, now: datetime
) -> None:
    """Queue "due soon" at needed_by - DUE_SOON_HOURS and "overdue" at needed_by; each carries
    the deadline it was made for, so a moved deadline's old jobs do nothing."""
    soon = needed_by - timedelta(hours=float(current_app.config["DUE_SOON_HOURS"]))
    for kind, at in ((Kind.DUE_SOON, soon), (Kind.OVERDUE, needed_by)):
        if kind == Kind.DUE_SOON and needed_by <= now:
            continue  # already past: "overdue" says it
        queue.enqueue_once(
            session,
            DEADLINE_JOB,
            {
                "translation_id": translation_id,
                "kind": str(kind),
                "needed_by": needed_by.isoformat(),
            },
            dedupe_key=f"{DEADLINE_JOB}:{translation_id}:{kind}:{needed_by.isoformat()}",
            run_after=max(at, now),
        )


def deadline_reached(session: DbSession, translation_id: int, kind: Kind, needed_by: str) -> None:
    """Tell whoever holds the translation that it is due soon or overdue, unless it was approved
    or its deadline moved since the job was queued."""
    tr = session.get(Translation, translation_id)
    if tr is None or tr.needed_by is None or tr.status == TranslationStatus.APPROVED:
        return
    if tr.needed_by != datetime.fromisoformat(needed_by):
        return
    people = [tr.assignee_id] if tr.assignee_id else translators_of(session, tr.locale)
    notify(
        session,
        active(session, people, None),
        kind,
        summary_id=tr.summary_id,
        locale=tr.locale,
        translation_id=tr.id,
    )
