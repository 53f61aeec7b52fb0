"""What happens to the topic vocabulary, announced for other domains (`core.events`), and what
it asks of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from webapp.core.db import DbSession
from webapp.core.events import Event
from webapp.core.hooks import Hook


@dataclass(frozen=True)
class TopicChanging(Event):
    """A topic is added, renamed or deleted; emitted before its row is written, because readers'
    pages show topic names and `publishing` orders public changes before their rows."""

    name: ClassVar[str] = "topic.changing"
    slug: str
    actor_id: int | None


# How many summaries' current versions carry the topic (summaries answers): a used topic stays.
usage: Hook[Callable[[DbSession, str], int]] = Hook("topics.usage")
