"""Publishing on the way in and out of the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from webapp.core.locales import LocaleCode
from webapp.core.schemas import Id, InputModel, MultiLine, OutputModel, Version
from webapp.core.timezones import is_zone
from webapp.summaries.schemas import SummaryOut


class PublishIn(InputModel):
    """The locales to publish now, all or nothing."""

    locales: list[LocaleCode] = Field(min_length=1, max_length=8)


class PublishedOut(OutputModel):
    locale: LocaleCode
    revision_id: Id
    title: str
    # False when readers already saw exactly this content: the snapshot was kept as it was.
    changed: bool


class PublishOut(SummaryOut):
    published: list[PublishedOut]


MAX_REASON = 2000


class WithdrawIn(InputModel):
    """Pull a published summary from readers in these locales; the reason goes in the audit log."""

    locales: list[LocaleCode] = Field(min_length=1, max_length=8)
    reason: Annotated[str, MultiLine, StringConstraints(min_length=1, max_length=MAX_REASON)]


class WithdrawnOut(OutputModel):
    locale: LocaleCode
    withdrawn_at: str


class WithdrawOut(SummaryOut):
    withdrawn: list[WithdrawnOut]


_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")


def _local_time(value: Any) -> Any:
    """A date and time such as 2026-01-16T09:00 (in `time_zone`), or with its own offset."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _LOCAL_TIME.fullmatch(value):
        raise PydanticCustomError("local_time", "use YYYY-MM-DDTHH:MM")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("local_time", "not a real time") from None


def _known_zone(value: str) -> str:
    if not is_zone(value):
        raise PydanticCustomError("time_zone", "unknown time zone")
    return value


LocalTime = Annotated[datetime, BeforeValidator(_local_time)]
TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_zone)]
Policy = Literal["hold", "ready"]
ReleaseLocales = Annotated[list[LocaleCode], Field(min_length=1, max_length=8)]


class ScheduleIn(InputModel):
    """Publish these languages together at a time given in a zone (stored in UTC).

    `policy` decides ahead what happens to a language not approved by then: `hold` publishes
    none and holds the release; `ready` publishes the ready ones, and each other one when it is
    approved.
    """

    locales: ReleaseLocales
    release_at: LocalTime
    time_zone: TimeZone = "UTC"
    policy: Policy

    def release_at_utc(self) -> datetime:
        return to_utc(self.release_at, self.time_zone)


class ScheduleChange(InputModel):
    """Reschedule: any of the time (with its zone), the languages and the policy."""

    locales: ReleaseLocales | SkipJsonSchema[None] = None
    release_at: LocalTime | SkipJsonSchema[None] = None
    time_zone: TimeZone | SkipJsonSchema[None] = None
    policy: Policy | SkipJsonSchema[None] = None


def to_utc(when: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` (or a time with its own offset) as an aware UTC time."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(zone))
    return when.astimezone(UTC)


class ScheduleOut(OutputModel):
    id: Id
    summary_id: Id
    locales: list[str]
    release_at: datetime  # UTC
    time_zone: str
    local_release_at: str  # the same instant in `time_zone`, ISO 8601 with its offset
    policy: Policy
    state: Literal["pending", "released", "held", "cancelled"]
    # Held: the languages that were not approved in time; released: those still to follow.
    outstanding: list[str]
    # Why a held release published nothing.
    held_reason: Literal["not_approved", "no_signoff", "no_publish_role", "publish_failed"] | None
    version: Version


class SignoffOut(OutputModel):
    """Whether the current version is signed off by a publisher who did not write it."""

    required: bool = Field(description="REQUIRE_PUBLISH_SIGNOFF: needed before publishing.")
    version: Version = Field(description="The version (revision number) this is about.")
    signed_off: bool
    signed_off_by: str | None = Field(description="The publisher's e-mail.")
    signed_off_at: datetime | None = Field(description="UTC.")
    via: Literal["signoff", "publish", "schedule"] | None = Field(
        description="signoff: pressed Sign off; publish, schedule: did so, not being the author."
    )


class ScheduledSummaryOut(SummaryOut):
    """A summary with its scheduled release (pending, held, or the latest one), if any, and the
    sign-off of its current version."""

    schedule: ScheduleOut | None = None
    signoff: SignoffOut | None = None
