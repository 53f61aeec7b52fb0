"""What a summary looks like on the way in and out: one definition of every field's rules.

The API, the HTML form and the OpenAPI document all use these; the limits match the columns.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from webapp.core.countries import country_codes
from webapp.core.locales import LocaleCode
from webapp.core.schemas import (
    Id,
    InputModel,
    MultiLine,
    OutputModel,
    SingleLine,
    Version,
    Visible,
)
from webapp.photos.schemas import MAX_PHOTOS, PhotoFields, PhotoOut
from webapp.topics.schemas import MAX_TOPICS, TopicSlug

MAX_TITLE = 300
MAX_SHORT = 300
MAX_LEDE = 2_000
MAX_QUOTE = 2_000
MAX_BODY = 100_000
MAX_ITEMS = 50
MAX_SLUG = 120
MAX_RELATED = 20

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD strings (or dates): no timestamps, no other formats."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "use YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_format", "not a real date") from None


MeetingDate = Annotated[date, BeforeValidator(_iso_date)]
Title = Annotated[str, SingleLine, Visible, StringConstraints(min_length=1, max_length=MAX_TITLE)]
ShortText = Annotated[str, SingleLine, Visible, StringConstraints(max_length=MAX_SHORT)]
Name = Annotated[str, SingleLine, Visible, StringConstraints(min_length=1, max_length=MAX_SHORT)]
Lede = Annotated[str, MultiLine, StringConstraints(max_length=MAX_LEDE)]
QuoteText = Annotated[str, MultiLine, StringConstraints(min_length=1, max_length=MAX_QUOTE)]
Body = Annotated[str, MultiLine, StringConstraints(min_length=1, max_length=MAX_BODY)]


def _known_country(code: str) -> str:
    if code not in country_codes():
        raise PydanticCustomError("country", "Use an ISO 3166 country code such as JP or US.")
    return code


CountryCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}$"), AfterValidator(_known_country)
]
Slug = Annotated[str, StringConstraints(max_length=MAX_SLUG, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


def _once_each(items: list) -> list:
    if len(set(items)) != len(items):
        raise PydanticCustomError("repeated", "lists the same item twice")
    return items


class Participant(InputModel):
    """A person at the meeting: name and role are translated; the country is a code."""

    name: Name
    role: ShortText = ""
    country: CountryCode | Annotated[str, StringConstraints(max_length=0)] = ""


class Quote(InputModel):
    speaker: ShortText = ""
    text: QuoteText


class SummaryFields(InputModel):
    """The source fields every revision stores."""

    title: Title
    meeting_date: MeetingDate
    body: Body
    location: ShortText = ""
    lede: Lede = ""
    participants: list[Participant] = Field(default_factory=list, max_length=MAX_ITEMS)
    quotes: list[Quote] = Field(default_factory=list, max_length=MAX_ITEMS)
    countries: list[CountryCode] = Field(default_factory=list, max_length=MAX_ITEMS)
    topics: list[TopicSlug] = Field(default_factory=list, max_length=MAX_TOPICS)
    related: list[Id] = Field(default_factory=list, max_length=MAX_RELATED)

    @field_validator("topics", "related", "countries")
    @classmethod
    def _no_repeats(cls, items: list) -> list:
        return _once_each(items)


class SummaryIn(SummaryFields):
    """A new summary (POST /summaries)."""

    source_locale: LocaleCode
    slug: Slug | None = None


class SummaryCreate(SummaryIn):
    """POST /summaries: a new summary, with the words of any photos whose files come later (an
    imported release's). Each is saved waiting for its file, which `PUT /summaries/<id>/photos/
    <photo>/file` brings; publishing waits for it."""

    photos: list[PhotoFields] = Field(default_factory=list, max_length=MAX_PHOTOS)


class SummaryPatch(InputModel):
    """Changed fields only (PATCH /summaries/<id>); the rest keep their current value."""

    # A field left out keeps its value; null is refused like any other wrong type, and the
    # OpenAPI document says so (SkipJsonSchema keeps "null" out of it).
    title: Title | SkipJsonSchema[None] = None
    meeting_date: MeetingDate | SkipJsonSchema[None] = None
    body: Body | SkipJsonSchema[None] = None
    location: ShortText | SkipJsonSchema[None] = None
    lede: Lede | SkipJsonSchema[None] = None
    participants: (
        Annotated[list[Participant], Field(max_length=MAX_ITEMS)] | SkipJsonSchema[None]
    ) = None
    quotes: Annotated[list[Quote], Field(max_length=MAX_ITEMS)] | SkipJsonSchema[None] = None
    countries: Annotated[list[CountryCode], Field(max_length=MAX_ITEMS)] | SkipJsonSchema[None] = (
        None
    )
    topics: Annotated[list[TopicSlug], Field(max_length=MAX_TOPICS)] | SkipJsonSchema[None] = None
    related: Annotated[list[Id], Field(max_length=MAX_RELATED)] | SkipJsonSchema[None] = None

    @field_validator("topics", "related", "countries")
    @classmethod
    def _no_repeats(cls, items: list | None) -> list | None:
        return None if items is None else _once_each(items)

    @model_validator(mode="before")
    @classmethod
    def _fixed_after_creation(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in ("source_locale", "slug"):
                if name in data:
                    raise PydanticCustomError(
                        "fixed_field", "{field} cannot be changed after creation", {"field": name}
                    )
        return data

    def changes(self) -> dict[str, Any]:
        """The fields this patch sets, as model data."""
        return self.model_dump(exclude_unset=True)


class TranslationRef(OutputModel):
    id: Id
    status: str


class SummaryOut(OutputModel):
    """A summary as the API returns it: current source fields, translations, publications."""

    id: Id
    slug: str
    version: Version
    source_locale: LocaleCode
    title: str
    meeting_date: date
    location: str
    lede: str
    body: str
    participants: list[dict[str, str]]
    quotes: list[dict[str, str]]
    countries: list[str]
    topics: list[str] = []
    related: list[int] = []
    translations: dict[str, TranslationRef]
    published_locales: list[str]
    photos: list[PhotoOut] = []


class RevisionOut(OutputModel):
    """One saved version of a summary's source text."""

    number: Version
    created_at: str
    created_by: str | None
    title: str
    meeting_date: date
    location: str
    lede: str
    body: str
    participants: list[dict[str, str]]
    quotes: list[dict[str, str]]
    countries: list[str]
    topics: list[str] = []
    related: list[int] = []


class RevisionListOut(OutputModel):
    revisions: list[RevisionOut]


class RestoreIn(InputModel):
    """The summary version the restore is based on (or send If-Match)."""

    version: Version | None = None


class SlugIn(InputModel):
    """A summary's new address: lowercase letters, digits and single hyphens."""

    slug: Slug
