"""Memory entries and imports on the way in and out of the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from webapp.core.locales import LocaleCode
from webapp.core.schemas import Id, InputModel, MultiLine, OutputModel, SingleLine
from webapp.memory.importing import MAX_TEXT

Pair = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}-[a-z]{2,3}$")]


class EntryOut(OutputModel):
    id: Id
    source_locale: LocaleCode
    target_locale: LocaleCode
    source: str
    target: str
    origin: str  # "approved" (here) or "imported"
    origin_file: str | None
    imported_by: str | None
    approved: bool
    approved_by: str | None
    created_by: str | None
    updated_by: str | None
    created_at: datetime | None
    updated_at: datetime
    use_count: int
    last_used_at: datetime | None


class EntryList(OutputModel):
    entries: list[EntryOut]
    next_before: int | None  # pass as `before` for the next page


class EntryPatch(InputModel):
    target: Annotated[str, MultiLine, StringConstraints(min_length=1, max_length=MAX_TEXT)]
    approved: bool


class MemoryQuery(InputModel):
    q: Annotated[str, SingleLine, StringConstraints(max_length=300)] | None = None
    pair: Pair | None = None
    origin: Annotated[str, StringConstraints(pattern=r"^(approved|imported)$")] | None = None
    origin_file: Annotated[str, SingleLine, StringConstraints(max_length=255)] | None = None
    approved_by: Annotated[str, SingleLine, StringConstraints(max_length=254)] | None = None
    since: Annotated[date, Field(strict=False)] | None = None
    until: Annotated[date, Field(strict=False)] | None = None
    before: Annotated[int, Field(strict=False, ge=1, le=2**31 - 1)] | None = None
    limit: Annotated[int, Field(strict=False, ge=1, le=500)] = 50


class ImportQuery(InputModel):
    filename: Annotated[str, SingleLine, StringConstraints(min_length=1, max_length=255)] = (
        "upload.tmx"
    )
    pair: Pair | None = None
    approved: Annotated[bool, Field(strict=False)] = False


class ImportReport(OutputModel):
    units: int
    imported: int
    duplicates: int
    skipped_language: int
    skipped_incomplete: int
    skipped_invalid: int
    pairs: dict[str, int]


class DeletedCount(OutputModel):
    deleted: int
