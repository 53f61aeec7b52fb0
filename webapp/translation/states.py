"""A translation's life: its statuses, the moves between them, and the one function that moves.

Every status change goes through `transition`, which refuses a move the table does not list, logs
it and emits the matching event (`translation.events`) in the caller's transaction.

    (new)     -> queued
    queued    -> in_review (every segment has text) | failed (the engine gave up)
    in_review -> approved | queued (a source edit, never approved) | stale (the same, approved
                 before)
    approved  -> in_review (a segment changed) | stale (the source changed)
    stale     -> in_review | failed
    failed    -> queued | stale (retried) | in_review (a translator wrote the rest by hand)

Publication per language is a separate life (`publishing`): a translation is approved, a
publication is made from it.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from webapp.core.db import DbSession
from webapp.core.errors import Refused
from webapp.core.events import emit
from webapp.translation.events import (
    TranslationApproved,
    TranslationFailed,
    TranslationMoved,
    TranslationQueued,
    TranslationStale,
    TranslationWaiting,
)
from webapp.translation.models import Translation, TranslationStatus

S = TranslationStatus
log = logging.getLogger(__name__)

# Which status may follow which. `None` is a translation being made.
ALLOWED: dict[TranslationStatus | None, frozenset[TranslationStatus]] = {
    None: frozenset({S.QUEUED}),
    # machine drafts (or memory) filled every segment, or the engine gave up
    S.QUEUED: frozenset({S.IN_REVIEW, S.FAILED}),
    # approved whole; a source edit left sentences without text (never approved / approved before)
    S.IN_REVIEW: frozenset({S.APPROVED, S.QUEUED, S.STALE}),
    # a segment changed (review again), or the source changed (the changed sentences are redone)
    S.APPROVED: frozenset({S.IN_REVIEW, S.STALE}),
    # the redone sentences have text, or the engine gave up on them
    S.STALE: frozenset({S.IN_REVIEW, S.FAILED}),
    # retried (back to the machine), or a translator wrote the missing sentences by hand
    S.FAILED: frozenset({S.QUEUED, S.STALE, S.IN_REVIEW}),
}

EVENTS: dict[TranslationStatus, type[TranslationMoved]] = {
    S.QUEUED: TranslationQueued,
    S.IN_REVIEW: TranslationWaiting,
    S.APPROVED: TranslationApproved,
    S.STALE: TranslationStale,
    S.FAILED: TranslationFailed,
}


class ForbiddenTransition(Refused):
    """A move the table does not allow: the caller's idea of the translation is out of date."""

    def __init__(self, before: TranslationStatus | None, after: TranslationStatus) -> None:
        super().__init__(
            str(_l("This translation changed meanwhile. Reload the page and try again."))
        )
        self.before, self.after = before, after


def allowed(before: TranslationStatus | None, after: TranslationStatus) -> bool:
    return after in ALLOWED[before]


def transition(
    session: DbSession,
    tr: Translation,
    to: TranslationStatus,
    *,
    actor_id: int | None = None,
    reason: str | None = None,
    new: bool = False,
) -> bool:
    """Move `tr` to `to` if the table allows it; False when it is there already.

    `new` marks a translation being made (its status is not set yet). Leaving `failed` clears the
    error; arriving there is `mark_failed`'s, which sets it.
    """
    before = None if new else tr.status
    if before == to:
        return False
    if not allowed(before, to):
        raise ForbiddenTransition(before, to)
    tr.status = to
    if before == S.FAILED:
        tr.error = tr.error_code = None
    session.flush()  # the translation's id exists for the event
    event = EVENTS[to](
        translation_id=tr.id,
        summary_id=tr.summary_id,
        locale=tr.locale,
        before=str(before) if before else None,
        after=str(to),
        actor_id=actor_id,
        reason=reason,
    )
    log.info("%s: translation %s %s -> %s", event.name, tr.id, before, to)
    emit(session, event)
    return True
