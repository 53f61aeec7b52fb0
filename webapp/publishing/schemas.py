"""Publishing on the way in and out of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from webapp.core.locales import LocaleCode
from webapp.core.schemas import (
    Id,
    InputModel,
    LocalTime,
    MultiLine,
    OutputModel,
    TimeZone,
    Version,
    to_utc,
)
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
