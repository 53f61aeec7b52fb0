"""Questions in the JSON API; the HTML forms go through the same input schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from webapp.core.schemas import Id, InputModel, MultiLine, OutputModel, SingleLine

Body = Annotated[str, MultiLine, StringConstraints(min_length=1, max_length=4000)]
Email = Annotated[str, SingleLine, StringConstraints(min_length=1, max_length=254)]
MAX_MENTIONS = 5


class QuestionIn(InputModel):
    body: Body
    segment_id: Id | None = Field(
        default=None,
        description="The segment translation's id (as in GET /translations/<id>); "
        "none: a question on the whole summary.",
    )
    mentions: list[Email] = Field(
        default_factory=list,
        max_length=MAX_MENTIONS,
        description="E-mail addresses of staff members asked to answer.",
    )


class AnswerIn(InputModel):
    body: Body


class QuestionQuery(InputModel):
    state: Literal["open", "resolved"] | None = None


class AnswerOut(OutputModel):
    id: int
    author: str | None
    body: str
    created_at: datetime


class QuestionOut(OutputModel):
    id: int
    summary_id: int
    translation_id: int | None
    locale: str | None
    segment_id: int | None = Field(description="None when the segment is gone from the source.")
    segment_key: str | None
    author: str | None
    body: str
    state: Literal["open", "resolved"]
    mentions: list[str]
    created_at: datetime
    resolved_by: str | None
    resolved_at: datetime | None
    answers: list[AnswerOut]


class QuestionListOut(OutputModel):
    questions: list[QuestionOut]
