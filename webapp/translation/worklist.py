"""The review queue for people: what waits, for how long, and what to do first.

Order: work with a "needed by" time first, the soonest first; then, by need, stale translations
already published (readers see an outdated version), then translations never approved, then the
rest; within each, the longest-waiting first. Filtered by whose work it is: mine, unassigned, or
everyone's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.accounts.models import User
from webapp.core.db import DbSession, utcnow
from webapp.core.locales import LOCALES
from webapp.core.permissions import Permission, allowed
from webapp.summaries.models import Summary
from webapp.translation import presence
from webapp.translation.events import published_locales
from webapp.translation.models import (
    SegmentStatus,
    SegmentTranslation,
    Translation,
    TranslationStatus,
)

WAITING = (
    TranslationStatus.QUEUED,
    TranslationStatus.IN_REVIEW,
    TranslationStatus.STALE,
    TranslationStatus.FAILED,
)
STATES = tuple(str(s) for s in WAITING)
WHOSE = ("mine", "unassigned")  # else everyone's
PAGE_SIZE = 25
DUE_SOON = timedelta(hours=2)


@dataclass(frozen=True)
class Row:
    tr: Translation
    waiting: int  # segments not approved
    total: int
    waiting_since: datetime | None  # the oldest waiting segment's last change
    stale_since: datetime | None  # when the source changed after an approval
    published: bool  # readers see a version in this locale
    people: list[str]  # who has it open now
    now: datetime | None = None

    @property
    def overdue(self) -> bool:
        return overdue(self.tr, self.now or utcnow())

    @property
    def due_soon(self) -> bool:
        return due_soon(self.tr, self.now or utcnow())

    @property
    def need(self) -> int:
        """0: published and outdated, 1: never approved, 2: the rest."""
        if self.stale_since is not None and self.published:
            return 0
        return 1 if self.tr.approved_revision_id is None else 2


def overdue(tr: Translation, now: datetime) -> bool:
    return tr.needed_by is not None and tr.needed_by < now


def due_soon(tr: Translation, now: datetime) -> bool:
    return tr.needed_by is not None and now <= tr.needed_by < now + DUE_SOON


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    page: int
    pages: int
    total: int


def translations_waiting(
    session: DbSession,
    user: User,
    locale: str | None = None,
    state: str | None = None,
    whose: str | None = None,
) -> list[Translation]:
    """Translations waiting for this translator, into their locales (the API's queue)."""
    locales = [x for x in LOCALES if allowed(user, Permission.REVIEW, x) and locale in (None, x)]
    states = [s for s in WAITING if state in (None, str(s))]
    if not locales or not states:
        return []
    query = (
        select(Translation)
        .where(Translation.status.in_(states), Translation.locale.in_(locales))
        .order_by(Translation.updated_at, Translation.id)
        .options(
            selectinload(Translation.summary).selectinload(Summary.current_revision),
            selectinload(Translation.assignee),
        )
    )
    if whose == "mine":
        query = query.where(Translation.assignee_id == user.id)
    elif whose == "unassigned":
        query = query.where(Translation.assignee_id.is_(None))
    return list(session.scalars(query))


def rows(
    session: DbSession,
    user: User,
    *,
    locale: str | None = None,
    state: str | None = None,
    whose: str | None = None,
) -> list[Row]:
    """The whole queue in order of need, with the figures a translator plans by."""
    translations = translations_waiting(session, user, locale, state, whose)
    now = utcnow()
    ids = [t.id for t in translations]
    stats = _segment_stats(session, ids)
    published = published_locales.ask(session, list({t.summary_id for t in translations}))
    people = presence.working_on(session, ids)
    found = [
        Row(
            t,
            *stats.get(t.id, (0, 0, None)),
            stale_since=t.summary.revision.created_at
            if t.approved_revision_id and t.approved_revision_id != t.revision_id
            else None,
            published=t.locale in published.get(t.summary_id, []),
            people=people.get(t.id, []),
            now=now,
        )
        for t in translations
    ]
    found.sort(
        key=lambda r: (
            r.tr.needed_by is None,
            r.tr.needed_by or now,
            r.need,
            r.waiting_since or r.tr.updated_at,
            r.tr.id,
        )
    )
    return found


def worklist(
    session: DbSession,
    user: User,
    *,
    locale: str | None = None,
    state: str | None = None,
    whose: str | None = None,
    page: int = 1,
) -> Page:
    """One page of the queue (`rows`)."""
    found = rows(session, user, locale=locale, state=state, whose=whose)
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return Page(found[start : start + PAGE_SIZE], page, pages, len(found))


def _segment_stats(
    session: DbSession, translation_ids: list[int]
) -> dict[int, tuple[int, int, datetime | None]]:
    """(waiting, total, oldest waiting change) per translation, in one grouped query."""
    if not translation_ids:
        return {}
    open_ = SegmentTranslation.status != SegmentStatus.APPROVED
    rows = session.execute(
        select(
            SegmentTranslation.translation_id,
            func.count().filter(open_),
            func.count(),
            func.min(SegmentTranslation.updated_at).filter(open_),
        )
        .where(SegmentTranslation.translation_id.in_(translation_ids))
        .group_by(SegmentTranslation.translation_id)
    )
    return {tid: (waiting, total, since) for tid, waiting, total, since in rows}
