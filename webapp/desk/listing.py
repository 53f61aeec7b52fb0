"""The liaison's desk: every summary against every locale, with its state, searchable and paged.

A cell says what a reader and a translator would find in that language: the source, approved,
in review, stale since a date, failed, waiting for the machine, and whether readers see it
(published, or withdrawn).
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import selectinload

from webapp.core.db import DbSession, like_pattern
from webapp.core.errors import ValidationError
from webapp.core.i18n import status_label
from webapp.core.locales import LOCALES
from webapp.publishing import services as publishing
from webapp.publishing.models import Publication, Withdrawal
from webapp.summaries.models import Revision, Summary
from webapp.translation.models import Translation, TranslationStatus, translation_into

PAGE_SIZE = 25
NOT_A_CURSOR = _l("This is not a cursor this list gave; start again without it.")
# What a cell can say, in the order the filter offers them.
STATES = ("source", "published", "withdrawn", *(str(s) for s in TranslationStatus))


@dataclass(frozen=True)
class Filters:
    q: str = ""
    state: str = ""
    locale: str = ""
    country: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class Cell:
    locale: str
    state: str  # "source" or a TranslationStatus value
    published_version: int | None  # the version readers see, if any
    withdrawn_at: datetime | None
    changed_at: datetime | None  # when the source changed (for stale)


@dataclass(frozen=True)
class Row:
    summary: Summary
    cells: list[Cell]


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    page: int
    pages: int
    total: int


SPECIAL_LABELS = {
    "source": _l("Source"),
    "published": _l("Published"),
    "withdrawn": _l("Withdrawn"),
}


def state_label(state: str) -> str:
    """A desk state in the UI language."""
    return str(SPECIAL_LABELS[state]) if state in SPECIAL_LABELS else status_label(state)


def _where(filters: Filters) -> list[Any]:
    """SQL conditions on Summary (joined to its current Revision) for the filters."""
    conditions: list[Any] = []
    if filters.q:
        pattern = like_pattern(filters.q.lower())
        conditions.append(
            or_(
                func.lower(Revision.title).like(pattern, escape="\\"),
                Summary.slug.like(pattern, escape="\\"),
            )
        )
    if filters.country:
        # Country codes are stored as a JSON list; '"JP"' only matches the whole code.
        conditions.append(cast(Revision.countries, String).like(f'%"{filters.country}"%'))
    if filters.since:
        conditions.append(Revision.meeting_date >= filters.since)
    if filters.until:
        conditions.append(Revision.meeting_date <= filters.until)
    locale_is = (lambda column: column == filters.locale) if filters.locale else None
    if filters.state == "source":
        if filters.locale:
            conditions.append(Summary.source_locale == filters.locale)
    elif filters.state == "published":
        conditions.append(
            exists().where(
                Publication.summary_id == Summary.id,
                Publication.is_current.is_(True),
                *([locale_is(Publication.locale)] if locale_is else []),
            )
        )
    elif filters.state == "withdrawn":
        conditions.append(
            exists().where(
                Withdrawal.summary_id == Summary.id,
                Withdrawal.ended_at.is_(None),
                *([locale_is(Withdrawal.locale)] if locale_is else []),
            )
        )
    elif filters.state:
        conditions.append(
            exists().where(
                Translation.summary_id == Summary.id,
                Translation.status == filters.state,
                *([locale_is(Translation.locale)] if locale_is else []),
            )
        )
    elif filters.locale:
        conditions.append(
            or_(
                Summary.source_locale == filters.locale,
                exists().where(
                    Translation.summary_id == Summary.id, Translation.locale == filters.locale
                ),
            )
        )
    return conditions


@dataclass(frozen=True)
class Slice:
    """Summaries after a cursor (the API's keyset paging), and the cursor of the next slice."""

    rows: list[Row]
    next_cursor: str | None


def _filtered(filters: Filters) -> Select[Summary]:
    return (
        select(Summary)
        .join(Revision, Revision.id == Summary.current_revision_id)
        .where(*_where(filters))
    )


def _newest_first(query: Select[Summary]) -> Select[Summary]:
    return query.order_by(Summary.updated_at.desc(), Summary.id.desc()).options(
        selectinload(Summary.current_revision)  # translations come with them
    )


def _rows(session: DbSession, summaries: list[Summary]) -> list[Row]:
    ids = [s.id for s in summaries]
    versions = publishing.published_versions_by_summary(session, ids)
    withdrawn = publishing.active_withdrawals(session, ids)
    return [
        Row(s, [_cell(s, loc, versions.get(s.id, {}), withdrawn.get(s.id, {})) for loc in LOCALES])
        for s in summaries
    ]


def desk(session: DbSession, filters: Filters) -> Page:
    """One page of summaries, most recently changed first, with a cell per locale."""
    base = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    query = _newest_first(base).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return Page(_rows(session, list(session.scalars(query))), page, pages, total)


def desk_after(session: DbSession, filters: Filters, cursor: str | None, limit: int) -> Slice:
    """Up to `limit` summaries after `cursor`, in the desk's order (most recently changed
    first). Keyset paging: a summary changed meanwhile moves to the front instead of shifting
    every later page, and a deep slice costs what the first one does."""
    query = _filtered(filters)
    if cursor:
        changed, summary_id = _read_cursor(cursor)
        query = query.where(
            or_(
                Summary.updated_at < changed,
                and_(Summary.updated_at == changed, Summary.id < summary_id),
            )
        )
    found = list(session.scalars(_newest_first(query).limit(limit + 1)))
    more = len(found) > limit
    rows = _rows(session, found[:limit])
    return Slice(rows, _cursor_of(rows[-1].summary) if more else None)


def _cursor_of(summary: Summary) -> str:
    raw = f"{summary.updated_at.isoformat()}|{summary.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str) -> tuple[datetime, int]:
    """The (changed at, id) a cursor names; a field error for anything this app did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _bar, ident = raw.partition("|")
        changed, summary_id = datetime.fromisoformat(when), int(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        changed, summary_id = None, 0
    if changed is None or changed.tzinfo is None or summary_id < 1:
        raise ValidationError({"cursor": str(NOT_A_CURSOR)})
    return changed, summary_id


def _cell(summary: Summary, locale: str, versions: dict[str, int], withdrawn: dict) -> Cell:
    if locale == summary.source_locale:
        state = "source"
    else:
        tr = translation_into(summary, locale)
        state = str(tr.status) if tr else "pending"
    pulled = withdrawn.get(locale)
    return Cell(
        locale=locale,
        state=state,
        published_version=versions.get(locale),
        withdrawn_at=pulled.withdrawn_at if pulled else None,
        changed_at=summary.updated_at if state == "stale" else None,
    )
