"""The inbox and the mail preferences in the JSON API (the same rules as the settings page)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from webapp.core.schemas import Id, InputModel, OutputModel

FrequencyName = Literal["immediate", "hourly", "daily", "never"]


class InboxQuery(InputModel):
    unread: Literal["0", "1"] | None = None


class NotificationOut(OutputModel):
    id: int
    kind: str
    summary_id: int | None
    title: str | None
    locale: str | None
    translation_id: int | None
    question_id: int | None
    count: int
    created_at: datetime
    updated_at: datetime
    read: bool
    url: str


class InboxOut(OutputModel):
    notifications: list[NotificationOut]
    unread: int


class ReadIn(InputModel):
    """Either the ids to mark read, or all: true."""

    ids: list[Id] | None = Field(default=None, max_length=1000)
    all: bool = False


class ReadOut(OutputModel):
    marked: int
    unread: int


class Choices(InputModel):
    """Kind -> how often it is mailed (one field per `kinds.Kind`); kinds left out keep theirs."""

    assigned: FrequencyName | None = None
    waiting: FrequencyName | None = None
    due_soon: FrequencyName | None = None
    overdue: FrequencyName | None = None
    failed: FrequencyName | None = None
    question: FrequencyName | None = None
    answer: FrequencyName | None = None
    published: FrequencyName | None = None
    withdrawn: FrequencyName | None = None


class PreferencesIn(InputModel):
    preferences: Choices


class PreferencesOut(OutputModel):
    preferences: dict[str, str]
