"""Who is told of each event (wired by `webapp.domains`): the rules of issue 18, item 4.

Every rule leaves out the person who acted and anyone whose account is gone or disabled
(`services.active`). Delivery is inside the caller's transaction: the inbox line and the mail
job commit with the change or not at all.
"""

from __future__ import annotations

from datetime import datetime

from webapp.core.db import DbSession, utcnow
from webapp.core.events import subscriber
from webapp.notifications import invites as _invites  # noqa: F401  (the invitation mail)
from webapp.notifications import services
from webapp.notifications.kinds import Kind
from webapp.publishing.events import SummaryPublished, SummaryWithdrawn
from webapp.questions.events import QuestionAnswered, QuestionAsked, QuestionResolved
from webapp.translation.events import (
    TranslationAssigned,
    TranslationFailed,
    TranslationWaiting,
)
from webapp.translation.models import Translation


@subscriber(TranslationAssigned)
def assigned(session: DbSession, event: TranslationAssigned) -> None:
    """The assignee learns it is theirs (and by when); the deadline's reminders are queued."""
    people = services.active(session, [event.assignee_id], event.actor_id)
    services.notify(
        session,
        people,
        Kind.ASSIGNED,
        summary_id=event.summary_id,
        locale=event.locale,
        translation_id=event.translation_id,
        actor_id=event.actor_id,
    )
    if event.needed_by:
        services.schedule_deadline(
            session, event.translation_id, datetime.fromisoformat(event.needed_by), utcnow()
        )


@subscriber(TranslationWaiting)
def waiting(session: DbSession, event: TranslationWaiting) -> None:
    """Waiting for review: the assignee alone when there is one, else the language's translators."""
    assignee = session.get(Translation, event.translation_id)
    holder = assignee.assignee_id if assignee is not None else None
    candidates = [holder] if holder else services.translators_of(session, event.locale)
    services.notify(
        session,
        services.active(session, candidates, event.actor_id),
        Kind.WAITING,
        summary_id=event.summary_id,
        locale=event.locale,
        translation_id=event.translation_id,
        actor_id=event.actor_id,
    )


@subscriber(TranslationFailed)
def failed(session: DbSession, event: TranslationFailed) -> None:
    """Machine translation failed: the summary's author and the assignee."""
    tr = session.get(Translation, event.translation_id)
    candidates = [services.author_of(session, event.summary_id), tr.assignee_id if tr else None]
    services.notify(
        session,
        services.active(session, candidates, event.actor_id),
        Kind.FAILED,
        summary_id=event.summary_id,
        locale=event.locale,
        translation_id=event.translation_id,
        actor_id=event.actor_id,
    )


@subscriber(QuestionAsked)
def asked(session: DbSession, event: QuestionAsked) -> None:
    """A question goes to whoever it mentions, the summary's author and, on a translation's
    segment, the translation's assignee."""
    candidates: list[int | None] = [
        *event.mentioned_ids,
        services.author_of(session, event.summary_id),
    ]
    locale = None
    if event.translation_id is not None:
        tr = session.get(Translation, event.translation_id)
        if tr is not None:
            candidates.append(tr.assignee_id)
            locale = tr.locale
    services.notify(
        session,
        services.active(session, candidates, event.author_id),
        Kind.QUESTION,
        summary_id=event.summary_id,
        locale=locale,
        translation_id=event.translation_id,
        question_id=event.question_id,
        actor_id=event.author_id,
    )


@subscriber(QuestionAnswered)
def answered(session: DbSession, event: QuestionAnswered) -> None:
    """The asker hears of each answer (not of their own)."""
    services.notify(
        session,
        services.active(session, [event.asker_id], event.author_id),
        Kind.ANSWER,
        summary_id=event.summary_id,
        question_id=event.question_id,
        actor_id=event.author_id,
    )


@subscriber(QuestionResolved)
def resolved(session: DbSession, event: QuestionResolved) -> None:
    """A settled question waits for nobody: its unread "question for you" lines are read."""
    services.clear_question(session, event.question_id)


@subscriber(SummaryPublished)
@subscriber(SummaryWithdrawn)
def readers_news(session: DbSession, event: SummaryPublished | SummaryWithdrawn) -> None:
    """Published or withdrawn: the summary's author and the translators who worked on that
    language."""
    candidates = [
        services.author_of(session, event.summary_id),
        *services.workers_on(session, event.summary_id, event.locale),
    ]
    services.notify(
        session,
        services.active(session, candidates, event.actor_id),
        Kind.PUBLISHED if isinstance(event, SummaryPublished) else Kind.WITHDRAWN,
        summary_id=event.summary_id,
        locale=event.locale,
        actor_id=event.actor_id,
    )
