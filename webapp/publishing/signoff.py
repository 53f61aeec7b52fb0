"""Four eyes on publishing (`REQUIRE_PUBLISH_SIGNOFF`): a second publisher signs off the text.

The unit signed off is the summary's current *revision*, not a language or a publication: the
source text is what one person wrote and the other checks (each translation has its own review
and approval), and a revision is immutable, so a sign-off can never cover words that changed
after it. Editing, restoring or renaming makes a new revision, and the old sign-off stays as
history without counting.

- Whoever holds PUBLISH and did not write the current revision may sign it off; publishing it
  (or scheduling its release) counts as their sign-off and is recorded as such (`via`).
- With the setting on, publishing by the revision's author needs a sign-off on that revision by
  someone else (`SignoffNeeded`, 409). A scheduled release checks at its time (`missing`): it is
  held with the reason rather than counting the scheduler's old act for a text changed since.
- With the setting off, nothing is required or recorded automatically; the button still works.

The setting is the deployment's rule, read from the app's config like `MEMORY_AUTO_APPROVE`
(every caller, a page, the API, a worker's job or an approval's subscriber, runs in an app
context, and no caller may forget to pass it).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, upsert_insert, utcnow
from webapp.core.errors import NotReady, Refused
from webapp.core.events import emit
from webapp.core.permissions import Permission, allowed, require
from webapp.publishing.events import SummarySignedOff
from webapp.publishing.models import Signoff, SignoffVia
from webapp.summaries.models import Summary


class SignoffNeeded(NotReady):
    """Publishing the current revision waits for another publisher's sign-off (409)."""


def required() -> bool:
    """Whether this deployment requires a second publisher's sign-off before publishing."""
    return bool(current_app.config.get("REQUIRE_PUBLISH_SIGNOFF", False))


def is_author(summary: Summary, user: User) -> bool:
    """Whether `user` wrote the summary's current revision."""
    return summary.revision.created_by_id == user.id


def may_sign_off(summary: Summary, user: User | None) -> bool:
    """A publisher who did not write the current revision (what the page's button asks)."""
    return user is not None and allowed(user, Permission.PUBLISH) and not is_author(summary, user)


@dataclass(frozen=True)
class SignoffState:
    """Where the current revision stands: who signed it off and when, if anyone did."""

    required: bool
    revision_number: int
    author_id: int | None
    signoff: Signoff | None


def current(session: DbSession, summary: Summary) -> Signoff | None:
    """The first sign-off of the current revision by someone other than its author."""
    rev = summary.revision
    query = select(Signoff).where(Signoff.summary_id == summary.id, Signoff.revision_id == rev.id)
    if rev.created_by_id is not None:
        query = query.where(Signoff.user_id != rev.created_by_id)
    return session.scalar(query.order_by(Signoff.created_at, Signoff.id).limit(1))


def state(session: DbSession, summary: Summary) -> SignoffState:
    """The summary's sign-off state for its page and its JSON."""
    rev = summary.revision
    return SignoffState(required(), rev.number, rev.created_by_id, current(session, summary))


def sign_off(
    session: DbSession, summary: Summary, user: User, via: SignoffVia = SignoffVia.SIGNOFF
) -> Signoff:
    """Record that `user` signs off the current revision (once per person and revision)."""
    require(user, Permission.PUBLISH)
    if is_author(summary, user):
        raise Refused(
            str(
                _l(
                    "You wrote version %(version)d: another publisher must sign it off.",
                    version=summary.revision.number,
                )
            )
        )
    rev = summary.revision
    insert = upsert_insert(session)
    # Two presses at once (or a press and a publish) meet the unique row: the database keeps one.
    made = session.execute(
        insert(Signoff)
        .values(
            summary_id=summary.id,
            revision_id=rev.id,
            user_id=user.id,
            via=via.value,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["summary_id", "revision_id", "user_id"])
        .returning(Signoff.id)
    ).scalar()
    row = session.scalars(
        select(Signoff)
        .where(
            Signoff.summary_id == summary.id,
            Signoff.revision_id == rev.id,
            Signoff.user_id == user.id,
        )
        .execution_options(populate_existing=True)
    ).one()
    if made is not None:
        audit.record(
            session,
            user,
            "summary.signoff",
            "summary",
            summary.id,
            revision=rev.number,
            via=str(via),
        )
        emit(session, SummarySignedOff(summary.id, rev.id, row.id, str(via), user.id))
    return row


def check_publish(session: DbSession, summary: Summary, user: User) -> None:
    """Before a person publishes: their own sign-off if they may give one, else someone's.

    Raises `SignoffNeeded` when the setting is on, `user` wrote the current revision and nobody
    else has signed it off.
    """
    if not required():
        return
    if not is_author(summary, user):
        sign_off(session, summary, user, SignoffVia.PUBLISH)
        return
    if current(session, summary) is None:
        raise SignoffNeeded(needed_message(summary), ["signoff"])


def note_scheduling(session: DbSession, summary: Summary, user: User) -> None:
    """Scheduling a release of the current revision counts as the scheduler's sign-off when
    they did not write it (the release itself checks again at its time)."""
    if required() and may_sign_off(summary, user):
        sign_off(session, summary, user, SignoffVia.SCHEDULE)


def missing(session: DbSession, summary: Summary) -> bool:
    """Whether a release of the current revision, now, lacks the sign-off it needs."""
    return required() and current(session, summary) is None


def needed_message(summary: Summary) -> str:
    return str(
        _l(
            "Version %(version)d needs a sign-off by another publisher (one who did not write "
            "it) before it is published.",
            version=summary.revision.number,
        )
    )
