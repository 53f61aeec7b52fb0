"""What readers of one language are shown of a summary, and the moves between those states.

    never --publish--> published --withdraw--> withdrawn
                        |    ^                    |
                        +----+ (a newer snapshot) |
                             ^-------publish------+

`publish` and `withdraw` (`publishing.services`) ask `allowed` before they touch a row, and
announce each move through `moved`, which emits `summary.published` or `summary.withdrawn`.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.core.errors import Refused
from webapp.core.events import emit
from webapp.publishing.events import SummaryPublished, SummaryWithdrawn
from webapp.publishing.models import Publication, Withdrawal

log = logging.getLogger(__name__)


class Shown(enum.StrEnum):
    NEVER = "never"  # readers of this language never saw the summary
    PUBLISHED = "published"  # they see its current snapshot
    WITHDRAWN = "withdrawn"  # they get 410 with the date and the reason


ALLOWED: dict[Shown, frozenset[Shown]] = {
    Shown.NEVER: frozenset({Shown.PUBLISHED}),
    Shown.PUBLISHED: frozenset({Shown.PUBLISHED, Shown.WITHDRAWN}),
    Shown.WITHDRAWN: frozenset({Shown.PUBLISHED}),
}


def allowed(before: Shown, after: Shown) -> bool:
    return after in ALLOWED[before]


def shown(
    session: DbSession, summary_id: int, published: Iterable[str] | None = None
) -> dict[str, Shown]:
    """Locale -> what its readers are shown now; a locale not listed was never published.

    `published`: the locales with a current snapshot, when the caller has them loaded already.
    """
    found = {
        loc: Shown.WITHDRAWN
        for loc in session.scalars(
            select(Withdrawal.locale).where(
                Withdrawal.summary_id == summary_id, Withdrawal.ended_at.is_(None)
            )
        )
    }
    if published is None:
        published = session.scalars(
            select(Publication.locale).where(
                Publication.summary_id == summary_id, Publication.is_current.is_(True)
            )
        )
    for loc in published:
        found[loc] = Shown.PUBLISHED
    return found


def moved(
    session: DbSession,
    before: Shown,
    *,
    publication: Publication | None = None,
    withdrawal: Withdrawal | None = None,
    actor_id: int | None = None,
) -> None:
    """Announce a move the caller has made: a new snapshot, or a withdrawal; refuse one the
    table does not list (the caller's rows then roll back with the request)."""
    after = Shown.PUBLISHED if publication is not None else Shown.WITHDRAWN
    if not allowed(before, after):
        raise Refused(str(_l("This summary changed meanwhile. Reload the page and try again.")))
    if publication is not None:
        event: SummaryPublished | SummaryWithdrawn = SummaryPublished(
            publication.summary_id,
            publication.locale,
            publication.id,
            publication.revision_id,
            actor_id,
        )
    else:
        assert withdrawal is not None
        event = SummaryWithdrawn(
            withdrawal.summary_id, withdrawal.locale, withdrawal.id, withdrawal.reason, actor_id
        )
    log.info(
        "%s: summary %s in %s (%s -> %s)", event.name, event.summary_id, event.locale, before, after
    )
    emit(session, event)
