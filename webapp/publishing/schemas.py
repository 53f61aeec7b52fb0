"""Publishing on the way in and out of the API."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from webapp.core.locales import LocaleCode
from webapp.core.schemas import Id, InputModel, MultiLine, OutputModel
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
