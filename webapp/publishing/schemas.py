"""Publishing on the way in and out of the API."""

from __future__ import annotations

from pydantic import Field

from webapp.core.locales import LocaleCode
from webapp.core.schemas import Id, InputModel, OutputModel
from webapp.summaries.schemas import SummaryOut


class PublishIn(InputModel):
    """The locales to publish now, all or nothing."""

    locales: list[LocaleCode] = Field(min_length=1, max_length=8)


class PublishedOut(OutputModel):
    locale: LocaleCode
    revision_id: Id
    title: str


class PublishOut(SummaryOut):
    published: list[PublishedOut]
