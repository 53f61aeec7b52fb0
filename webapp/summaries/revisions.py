"""A summary's versions: claimed by compare-and-set, and stored as its current revision."""

from __future__ import annotations

from sqlalchemy import update

from webapp.core.db import DbSession, rowcount, utcnow
from webapp.summaries.models import Revision, Summary, deleted_meanwhile


def claim_next_version(session: DbSession, summary: Summary, expected_version: int) -> bool:
    """Move the summary from `expected_version` to the next one, or say someone else did.

    Compare-and-set in one UPDATE, so two writers can never both get the same version; the
    summary is refreshed either way (a summary deleted meanwhile is a 404).
    """
    claimed = session.execute(
        update(Summary)
        .where(Summary.id == summary.id, Summary.version == expected_version)
        .values(version=expected_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) == 0 and session.get(Summary, summary.id, populate_existing=True) is None:
        raise deleted_meanwhile()
    session.refresh(summary)
    return rowcount(claimed) == 1


def make_current(session: DbSession, summary: Summary, revision: Revision) -> Revision:
    """Store `revision` and make it the summary's current one."""
    session.add(revision)
    session.flush()
    summary.current_revision = revision
    summary.updated_at = utcnow()
    session.flush()
    return revision
