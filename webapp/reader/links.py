"""What a reader page links to besides its own text: its topics and its related summaries.

Both are stored in the snapshot by slug and id; names and titles are looked up when the page is
shown, so a renamed topic reads right everywhere and a related summary appears only where it is
published in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.publishing.models import Publication
from webapp.topics import services as topics


@dataclass(frozen=True)
class TopicLink:
    slug: str
    name: str


@dataclass(frozen=True)
class PageLinks:
    topics: list[TopicLink] = field(default_factory=list)
    related: list[Publication] = field(default_factory=list)


class Snapshot(Protocol):
    """A published snapshot, or the preview's stand-in for one."""

    content: dict[str, Any]
    locale: str


def page_links(session: DbSession, pub: Snapshot) -> PageLinks:
    """At most two queries, none when the snapshot names no topic and no related summary."""
    slugs: list[str] = pub.content.get("topics", [])
    ids: list[int] = pub.content.get("related", [])
    known = topics.by_slug(session, slugs)
    found: dict[int, Publication] = {}
    if ids:
        found = {
            p.summary_id: p
            for p in session.scalars(
                select(Publication).where(
                    Publication.summary_id.in_(ids),
                    Publication.locale == pub.locale,
                    Publication.is_current.is_(True),
                )
            )
        }
    return PageLinks(
        topics=[TopicLink(s, known[s].name(pub.locale)) for s in slugs if s in known],
        related=[found[i] for i in ids if i in found],
    )


def topic_names(session: DbSession, locale: str) -> dict[str, str]:
    """Every topic's name in `locale`, by slug (for the topic lists)."""
    return {t.slug: t.name(locale) for t in topics.list_topics(session, locale)}
