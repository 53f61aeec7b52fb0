"""How search follows what readers are shown (wired by `webapp.domains`)."""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.core.events import subscriber
from webapp.publishing.events import SummaryPublished
from webapp.publishing.models import Publication
from webapp.search import services as search
from webapp.summaries.models import Revision


@subscriber(SummaryPublished)
def index_the_new_snapshot(session: DbSession, event: SummaryPublished) -> None:
    """The new snapshot becomes findable in the same transaction; the one it replaced does not."""
    pub = session.get(Publication, event.publication_id)
    revision = session.get(Revision, event.revision_id)
    assert pub is not None and revision is not None  # emitted in the same transaction
    participants = [p.get("name", "") for p in revision.participants]
    search.index_publication(session, pub, revision.countries, participants)
