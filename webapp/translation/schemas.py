"""Translations and segments on the way in and out of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from webapp.core.locales import LocaleCode
from webapp.core.schemas import (
    Id,
    InputModel,
    Instant,
    LocalTime,
    MultiLine,
    OutputModel,
    SingleLine,
    TimeZone,
    Version,
    to_utc,
)

MAX_SEGMENT = 10_000
MAX_REASON = 300
SegmentText = Annotated[str, MultiLine, StringConstraints(min_length=1, max_length=MAX_SEGMENT)]


class SegmentSave(InputModel):
    """A translator's text for one segment, and whether it is approved."""

    text: SegmentText
    approve: bool = False
    version: Version | None = Field(
        default=None, description="The segment version you edited (or send If-Match)."
    )
    reason: Annotated[str, SingleLine, StringConstraints(max_length=MAX_REASON)] | None = Field(
        default=None,
        description="Why the text may be approved despite its quality warnings (required then).",
    )


class QaFinding(OutputModel):
    code: str
    severity: str
    message: str


class MemoryMatchOut(OutputModel):
    """A close match from translation memory (not the exact one)."""

    id: Id = Field(description="The memory entry.")
    source: str = Field(description="The memory entry's source text.")
    target: str = Field(description="Its approved target, with a differing number replaced.")
    score: float = Field(
        description="Normalised character Levenshtein similarity of the sources, 0.7 to 1."
    )
    replaced: list[str] | None = Field(
        default=None, description="[number in the match, number put in its place], if any."
    )
    origin: str = Field(default="approved", description='"approved" here, or "imported".')
    origin_file: str | None = Field(default=None, description="The file it was imported from.")
    approved: bool = Field(default=True, description="False: an import nobody approved yet.")


class InsertedTermOut(OutputModel):
    """A glossary term or a name the app placed in a machine draft."""

    source: str
    target: str
    kind: str = Field(description='"glossary" or "name"')


class SegmentOut(OutputModel):
    id: Id
    key: str
    label: str
    source: str
    text: str | None
    origin: str | None
    status: str
    version: Version
    engine: str | None
    model_version: str | None
    score: float | None = Field(
        default=None, description="Engine confidence: mean log-probability per token (0 is sure)."
    )
    confidence: str | None = Field(default=None, description="high, medium or low")
    inserted: list[InsertedTermOut] = Field(
        default_factory=list,
        description="Terms and names the app placed in this machine draft because the engine "
        "dropped them.",
    )
    qa: list[QaFinding] = Field(default_factory=list)
    matches: list[MemoryMatchOut] | None = Field(
        default_factory=list,
        description="Up to 3 close memory matches, best first; none once the segment is "
        "approved; null when the request asked for none (?matches=none).",
    )


class TranslationOut(OutputModel):
    id: Id
    summary_id: Id
    locale: LocaleCode
    source_locale: LocaleCode
    status: str
    error: str | None
    error_code: str | None
    title: str
    assignee: str | None = Field(default=None, description="Whose work it is (e-mail).")
    needed_by: datetime | None = Field(default=None, description="Needed approved by (UTC).")
    segments: list[SegmentOut] | None = None


class AssignmentIn(InputModel):
    """Send only what changes. A translator claims (assignee: their own e-mail) or hands back
    (assignee: null) their own work; liaison staff assign anyone and set needed_by."""

    assignee: Annotated[str, SingleLine, StringConstraints(max_length=254)] | None = Field(
        default=None, description="A translator's e-mail; null: nobody."
    )
    needed_by: Instant | None = Field(
        default=None, description="With its UTC offset, e.g. 2026-01-16T08:30:00+09:00; null: none."
    )


class NeededByIn(InputModel):
    """A "needed by" time as a person types it: a wall-clock time in a zone (the liaison's own
    by default), or none to clear it; kept in UTC."""

    needed_by: LocalTime | None = None
    time_zone: TimeZone = "UTC"

    def needed_by_utc(self) -> datetime | None:
        return to_utc(self.needed_by, self.time_zone) if self.needed_by else None


class TranslationQuery(InputModel):
    matches: Literal["all", "none"] = Field(
        default="all",
        description="none: leave the close memory matches out (each open segment's costs a "
        "lookup in the memory, tens of milliseconds in a large one).",
    )


class ApproveQuery(InputModel):
    open_questions: Literal["confirmed"] | None = Field(
        default=None,
        description="confirmed: approve although questions on its segments are open (without "
        "it, open questions refuse the approval with 409 and list them).",
    )


class ReviewQueueQuery(InputModel):
    locale: LocaleCode | None = None
    state: Literal["queued", "in_review", "stale", "failed"] | None = None
    whose: Literal["mine", "unassigned"] | None = Field(
        default=None, description="Only my work, or only work nobody has; default everyone's."
    )


class ReviewQueueOut(OutputModel):
    translations: list[TranslationOut]


class RestoreIn(InputModel):
    """Which earlier text to put back, and the segment version you saw."""

    history_id: Id
    version: Version | None = Field(
        default=None, description="The segment version you edited (or send If-Match)."
    )


class SegmentChangeOut(OutputModel):
    id: Id
    kind: str
    version: Version
    text: str | None
    status: str
    origin: str | None
    engine: str | None
    model_version: str | None
    source: str
    actor: str | None
    created_at: datetime
    reason: str | None = Field(default=None, description="Why it was approved over warnings.")
    waived: list[str] = Field(
        default_factory=list, description="The warnings it was approved over."
    )


class SegmentHistoryOut(OutputModel):
    changes: list[SegmentChangeOut]
