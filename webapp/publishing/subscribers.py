"""How publishing reacts to other domains' events and answers their hooks (wired by
`webapp.domains`)."""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.core.events import subscriber
from webapp.publishing import schedules
from webapp.publishing import services as publishing
from webapp.summaries import events as summaries
from webapp.topics import events as topics
from webapp.translation import events as translation


@subscriber(summaries.SummaryRenamed)
def follow_the_new_address(session: DbSession, event: summaries.SummaryRenamed) -> None:
    """Readers' snapshots and standing withdrawals move to the new address (the old one then
    answers 301 through the summary's redirect)."""
    if publishing.ever_published(session, event.summary_id):
        publishing.move_address(session, event.summary_id, event.new_slug)


@subscriber(topics.TopicChanging)
def order_before_a_topic_changes(session: DbSession, event: topics.TopicChanging) -> None:
    """Readers' pages show topic names: cached pages are remade once the change commits."""
    publishing.note_public_change(session, event.name)


@subscriber(translation.TranslationApproved)
def release_when_approved(session: DbSession, event: translation.TranslationApproved) -> None:
    """A language a released schedule (policy `ready`) still waits for goes out on approval."""
    schedules.release_late(session, event.summary_id, event.locale)


summaries.ever_published.answer(publishing.ever_published)
summaries.shows_photo.answer(publishing.shows_photo)
translation.published_locales.answer(publishing.published_locales_by_summary)
