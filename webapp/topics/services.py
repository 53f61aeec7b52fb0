"""The topic vocabulary: list, add, rename, delete; and checking a summary's topics against it."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession
from webapp.core.errors import NotFound, Refused, ValidationError
from webapp.core.events import emit
from webapp.core.permissions import Permission, require
from webapp.core.schemas import storable
from webapp.topics.events import TopicChanging, usage
from webapp.topics.models import Topic
from webapp.topics.schemas import TopicIn


def list_topics(session: DbSession, locale: str) -> list[Topic]:
    """Every topic, by its name in `locale` (the vocabulary is small: sorted here, not in SQL)."""
    return sorted(session.scalars(select(Topic)), key=lambda t: t.name(locale).casefold())


def by_slug(session: DbSession, slugs: Iterable[str]) -> dict[str, Topic]:
    # No stored slug holds a NUL or a lone surrogate, and PostgreSQL refuses them in a query.
    wanted = {slug for slug in slugs if storable(slug)}
    if not wanted:
        return {}
    return {t.slug: t for t in session.scalars(select(Topic).where(Topic.slug.in_(wanted)))}


def get_topic(session: DbSession, slug: str) -> Topic:
    topic = session.scalar(select(Topic).where(Topic.slug == slug))
    if topic is None:
        raise NotFound(str(_l("No topic with that address.")))
    return topic


def check_known(session: DbSession, slugs: list[str]) -> None:
    """Refuse topics that are not in the vocabulary (a summary names topics by slug)."""
    unknown = sorted(set(slugs) - set(by_slug(session, slugs)))
    if unknown:
        raise ValidationError(
            {"topics": str(_l("Unknown topics: %(topics)s.", topics=", ".join(unknown)))}
        )


def save_topic(session: DbSession, clean: TopicIn, user: User, topic: Topic | None = None) -> Topic:
    """Add a topic, or rename one (its slug stays: summaries and reader addresses use it)."""
    require(user, Permission.MANAGE_TOPICS)
    if topic is not None and clean.slug != topic.slug:
        raise ValidationError({"slug": str(_l("A topic's address cannot change."))})
    taken = session.scalar(select(Topic.id).where(Topic.slug == clean.slug))
    if topic is None and taken is not None:
        raise ValidationError({"slug": str(_l("This address is already taken."))})
    for other in session.scalars(select(Topic).where(Topic.slug != clean.slug)):
        for code, name in clean.names.items():
            if other.names.get(code, "").casefold() == name.casefold():
                raise ValidationError({f"names.{code}": str(_l("Another topic has this name."))})
    before = dict(topic.names) if topic else None
    emit(session, TopicChanging(clean.slug, user.id))
    if topic is None:
        topic = Topic(slug=clean.slug, names=dict(clean.names))
        session.add(topic)
    else:
        topic.names = dict(clean.names)
    session.flush()
    audit.record(
        session, user, "topic.save", "topic", topic.id, before=before, after=dict(clean.names)
    )
    return topic


def delete_topic(session: DbSession, topic: Topic, user: User) -> None:
    """Only an unused topic can go: a summary's tags never vanish behind its liaison's back."""
    require(user, Permission.MANAGE_TOPICS)
    used = usage.ask(session, topic.slug)
    if used:
        raise Refused(
            ngettext(
                "%(num)d summary uses this topic; remove it from there first.",
                "%(num)d summaries use this topic; remove it from them first.",
                used,
            )
        )
    emit(session, TopicChanging(topic.slug, user.id))
    audit.record(session, user, "topic.delete", "topic", topic.id, slug=topic.slug)
    session.delete(topic)
    session.flush()
