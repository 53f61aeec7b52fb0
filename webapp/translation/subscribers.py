"""How translation reacts to other domains' events (wired by `webapp.domains`)."""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.core.events import subscriber
from webapp.mt import events as mt
from webapp.mt.events import ModelInstalled
from webapp.summaries.events import SummaryRevised
from webapp.summaries.models import Revision, Summary
from webapp.translation import references, workflow


@subscriber(SummaryRevised)
def follow_the_new_revision(session: DbSession, event: SummaryRevised) -> None:
    """Cut the revision's segments; every translation keeps its unchanged sentences and queues
    machine translation for the rest."""
    summary = session.get(Summary, event.summary_id)
    revision = session.get(Revision, event.revision_id)
    assert summary is not None and revision is not None  # emitted in the same transaction
    workflow.sync_translations(session, summary, revision)


@subscriber(ModelInstalled)
def retry_what_failed_for_want_of_it(session: DbSession, event: ModelInstalled) -> None:
    """A model now serves the pair: its failed translations are queued again, by themselves."""
    workflow.retry_failed_pair(
        session,
        event.from_code,
        event.to_code,
        why=f"model {event.package} {event.version} installed",
    )


mt.approved_segment_ids.answer(references.approved_segment_ids)
mt.approved_references.answer(references.approved_references)
