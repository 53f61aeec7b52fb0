"""Changes readers see queue the static site's job in their own transaction (the job table is
the outbox: a change that commits has its job, one that rolls back has none)."""

from __future__ import annotations

from flask import current_app

from webapp.core.db import DbSession
from webapp.core.events import subscriber
from webapp.jobs import queue
from webapp.publishing import events as publishing
from webapp.publishing.models import Withdrawal
from webapp.staticsite import build
from webapp.staticsite.jobs import JOB_KIND
from webapp.summaries import events as summaries
from webapp.topics import events as topics


def _queue(session: DbSession, key: str, payload: dict) -> None:
    if build.site_dir(current_app) is not None:
        queue.enqueue_once(session, JOB_KIND, payload, dedupe_key=f"{JOB_KIND}:{key}")


@subscriber(publishing.SummaryPublished)
def write_published(session: DbSession, event: publishing.SummaryPublished) -> None:
    """A new snapshot (now, or at its scheduled time): its pages and the lists that show it."""
    _queue(session, f"summary:{event.summary_id}", {"summary_id": event.summary_id})


@subscriber(publishing.SummaryWithdrawn)
def take_withdrawn_away(session: DbSession, event: publishing.SummaryWithdrawn) -> None:
    """The page's files go now, before the job: nginx then asks the app, which answers 410
    once this commits (and the page as before if it does not: a missing file is never wrong)."""
    site = build.site_dir(current_app)
    if site is None:
        return
    row = session.get(Withdrawal, event.withdrawal_id)
    if row is not None:
        build.take_away(site, row.slug, event.locale)
    _queue(session, f"summary:{event.summary_id}", {"summary_id": event.summary_id})


@subscriber(summaries.SummaryRenamed)
def follow_renamed(session: DbSession, event: summaries.SummaryRenamed) -> None:
    """The old address answers 301 from the app; the new one gets the files."""
    site = build.site_dir(current_app)
    if site is None:
        return
    for locale in build.LOCALES:
        build.take_away(site, event.old_slug, locale)
    _queue(session, f"summary:{event.summary_id}", {"summary_id": event.summary_id})


@subscriber(topics.TopicChanging)
def write_topic(session: DbSession, event: topics.TopicChanging) -> None:
    """Topic names show on the topic lists and on every summary page that names the topic."""
    _queue(session, f"topic:{event.slug}", {"topic": event.slug})
