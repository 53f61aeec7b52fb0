"""What the desk's API answers about a summary and its photos, built from the domains' data
(the serialisers, beside the schemas they fill: `summaries.schemas`, `photos.schemas`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, StringConstraints

from webapp.accounts import services as users
from webapp.core.db import DbSession
from webapp.core.locales import LocaleCode
from webapp.core.schemas import Id, InputModel, OutputModel, SingleLine, Version
from webapp.desk import listing
from webapp.photos.schemas import PhotoOut
from webapp.photos.views import file_url, image_attrs
from webapp.publishing import schedules, signoff
from webapp.publishing import services as publishing
from webapp.publishing.models import ScheduledRelease
from webapp.publishing.schemas import ScheduledSummaryOut, ScheduleOut, SignoffOut
from webapp.summaries import photos
from webapp.summaries import services as summaries
from webapp.summaries.models import Summary
from webapp.summaries.schemas import CountryCode
from webapp.translation.models import translations_of

_STATES = "^(" + "|".join(listing.STATES) + ")$"
CURSOR = r"^[A-Za-z0-9_-]+$"


def summary_out(session: DbSession, summary: Summary) -> ScheduledSummaryOut:
    """The API's view of a summary: current source fields, translations, publications, and its
    scheduled release."""
    release = schedules.latest_schedule(session, summary.id)
    return ScheduledSummaryOut.model_validate(
        {
            "id": summary.id,
            "slug": summary.slug,
            "version": summary.version,
            "source_locale": summary.source_locale,
            **summaries.revision_fields(summary.revision),
            "translations": {
                t.locale: {"id": t.id, "status": str(t.status)} for t in translations_of(summary)
            },
            "published_locales": publishing.published_locales(session, summary.id),
            "photos": photo_list(session, summary),
            "schedule": schedule_out(release) if release else None,
            "signoff": signoff_out(session, summary),
        }
    )


def signoff_out(session: DbSession, summary: Summary) -> SignoffOut:
    """The current version's sign-off: required or not, and by whom and when if given."""
    state = signoff.state(session, summary)
    row = state.signoff
    email = users.emails_for(session, {row.user_id}).get(row.user_id) if row else None
    return SignoffOut.model_validate(
        {
            "required": state.required,
            "version": state.revision_number,
            "signed_off": row is not None,
            "signed_off_by": email,
            "signed_off_at": row.created_at if row else None,
            "via": str(row.via) if row else None,
        }
    )


def schedule_out(row: ScheduledRelease) -> ScheduleOut:
    """A scheduled release, its time in UTC and in the zone it was given in."""
    return ScheduleOut.model_validate(
        {
            "id": row.id,
            "summary_id": row.summary_id,
            "locales": list(row.locales),
            "release_at": row.release_at,
            "time_zone": row.time_zone,
            "local_release_at": row.release_at.astimezone(ZoneInfo(row.time_zone)).isoformat(),
            "policy": str(row.policy),
            "state": str(row.state),
            "outstanding": list(row.outstanding),
            "held_reason": row.held_reason,
            "version": row.version,
        }
    )


def photo_out(summary: Summary, item: photos.PhotoItem) -> PhotoOut:
    """The API's view of one photo of the current revision."""
    p = item.photo
    words = {
        "id": p.id,
        "position": item.position,
        "caption": item.caption,
        "alt": item.alt,
        "credit": item.credit,
        "image_id": item.image_id,
        "summary_version": summary.version,
    }
    if p.storage is None or p.format is None:
        return PhotoOut.model_validate(
            {
                **words,
                "waiting_for_file": True,
                "width": None,
                "height": None,
                "url": None,
                "srcset": None,
                "files": [],
            }
        )
    img = image_attrs(p)
    return PhotoOut.model_validate(
        {
            **words,
            "waiting_for_file": False,
            "width": p.width,
            "height": p.height,
            "url": img["src"],
            "srcset": img["srcset"],
            "files": [{"width": w, "url": file_url(p.storage, w, p.format)} for w in p.sizes],
        }
    )


def photo_list(session: DbSession, summary: Summary) -> list[PhotoOut]:
    """Every photo of the summary's current revision, in order (for GET /summaries/<id>)."""
    return [photo_out(summary, item) for item in photos.photo_items(session, summary)]


class SummaryListQuery(InputModel):
    """The desk's filters, and keyset paging: `cursor` is the `next_cursor` of the last answer."""

    q: Annotated[str, SingleLine, StringConstraints(max_length=200)] | None = None
    state: Annotated[str, StringConstraints(pattern=_STATES)] | None = None
    locale: LocaleCode | None = None
    country: CountryCode | None = None
    since: Annotated[date, Field(strict=False)] | None = None
    until: Annotated[date, Field(strict=False)] | None = None
    cursor: Annotated[str, StringConstraints(max_length=200, pattern=CURSOR)] | None = None
    limit: Annotated[int, Field(strict=False, ge=1, le=100)] = listing.PAGE_SIZE


class ListCellOut(OutputModel):
    """What a reader and a translator find in one language: the desk's cell."""

    locale: LocaleCode
    state: str
    published_version: int | None
    withdrawn_at: datetime | None


class SummaryListItem(OutputModel):
    id: Id
    slug: str
    title: str
    source_locale: LocaleCode
    meeting_date: date
    version: Version
    updated_at: datetime
    cells: list[ListCellOut]


class SummaryListOut(OutputModel):
    summaries: list[SummaryListItem]
    next_cursor: str | None  # send as `cursor` for the next slice; null: this was the last


def summary_list_out(found: listing.Slice) -> SummaryListOut:
    return SummaryListOut(
        summaries=[
            SummaryListItem(
                id=row.summary.id,
                slug=row.summary.slug,
                title=row.summary.revision.title,
                source_locale=row.summary.source_locale,
                meeting_date=row.summary.revision.meeting_date,
                version=row.summary.version,
                updated_at=row.summary.updated_at,
                cells=[ListCellOut.model_validate(cell) for cell in row.cells],
            )
            for row in found.rows
        ],
        next_cursor=found.next_cursor,
    )
