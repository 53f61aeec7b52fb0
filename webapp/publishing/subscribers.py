"""How publishing reacts to other domains' events and answers their hooks (wired by
`webapp.domains`)."""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.core.events import subscriber
from webapp.publishing import services as publishing
from webapp.summaries import events as summaries


@subscriber(summaries.SummaryRenamed)
def follow_the_new_address(session: DbSession, event: summaries.SummaryRenamed) -> None:
    """Readers' snapshots and standing withdrawals move to the new address (the old one then
    answers 301 through the summary's redirect)."""
    if publishing.ever_published(session, event.summary_id):
        publishing.move_address(session, event.summary_id, event.new_slug)


summaries.ever_published.answer(publishing.ever_published)
