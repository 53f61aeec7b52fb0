"""Webhooks on the way in and out of the API (the HTML form feeds the same input models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from webapp.core.schemas import InputModel, OutputModel, SingleLine, Visible
from webapp.webhooks.events import EVENT_NAMES
from webapp.webhooks.models import MAX_DESCRIPTION, MAX_URL

Url = Annotated[str, SingleLine, StringConstraints(min_length=1, max_length=MAX_URL)]
# Checked against EVENT_NAMES by the service, which names the unknown ones.
EventNames = Annotated[
    list[Annotated[str, StringConstraints(max_length=40)]],
    Field(max_length=len(EVENT_NAMES)),
]
Description = Annotated[str, SingleLine, Visible, StringConstraints(max_length=MAX_DESCRIPTION)]


class WebhookIn(InputModel):
    """A new webhook: where to POST (http or https), which events, a note for admins."""

    url: Url
    events: EventNames
    description: Description = ""
    active: bool = True


class WebhookPatch(InputModel):
    """What can change on a webhook (its URL cannot: add another and delete this one)."""

    events: EventNames | None = None
    description: Description | None = None
    active: bool | None = None


class WebhookOut(OutputModel):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    secret: str  # shown to admins, who configure the receiver with it
    created_at: datetime
    created_by_id: int | None


class WebhookList(OutputModel):
    webhooks: list[WebhookOut]
    events: list[str]  # every event a webhook may ask for


class DeliveryOut(OutputModel):
    id: int
    delivery_id: str  # the Kakehashi-Delivery header
    event: str
    status: str
    attempts: int
    response_code: int | None
    error: str | None
    next_try_at: datetime | None
    created_at: datetime
    finished_at: datetime | None


class DeliveryList(OutputModel):
    deliveries: list[DeliveryOut]
