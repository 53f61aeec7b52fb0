"""Every event a webhook may ask for queues its deliveries (wired by `webapp.domains`).

One function for all of them: what differs between events is only their fields, which the
payload carries as they are.
"""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.core.events import Event, subscriber
from webapp.webhooks import services as webhooks
from webapp.webhooks.events import EVENT_CLASSES


def queue_deliveries(session: DbSession, event: Event) -> None:
    """A delivery and its job for each active webhook that wants this event, in its transaction."""
    webhooks.queue_event(session, event)


for _event_class in EVENT_CLASSES:
    subscriber(_event_class)(queue_deliveries)
