"""What summaries answer for the domains below them (wired by `webapp.domains`)."""

from __future__ import annotations

from webapp.summaries import services as summaries
from webapp.topics import events as topics

topics.usage.answer(summaries.topic_usage)
