"""Ask, answer and resolve questions; list them for a summary or a translation's segments.

Services take plain arguments, check the permission, flush and never commit; each change is
audited and announced as an event in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.accounts.models import User
from webapp.accounts.services import normalise_email
from webapp.audit import services as audit
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import NotFound, Refused, ValidationError
from webapp.core.events import emit
from webapp.core.permissions import Permission, require
from webapp.questions.events import QuestionAnswered, QuestionAsked, QuestionResolved
from webapp.questions.models import Answer, Mention, Question, QuestionState
from webapp.questions.schemas import AnswerIn, QuestionIn
from webapp.summaries.models import Summary
from webapp.translation.models import SegmentTranslation, Translation


def get_question(session: DbSession, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(str(_l("No such question.")))
    return question


def ask(session: DbSession, summary: Summary, user: User, data: QuestionIn) -> Question:
    """Open a question on the summary, or on one segment of one of its translations."""
    require(user, Permission.DISCUSS)
    st = None
    if data.segment_id is not None:
        st = session.get(SegmentTranslation, data.segment_id)
        if st is None or st.translation.summary_id != summary.id:
            raise ValidationError(
                {"segment_id": str(_l("No such segment in this summary's translations."))}
            )
    mentioned = _staff(session, data.mentions)
    question = Question(
        summary_id=summary.id,
        translation_id=st.translation_id if st else None,
        segment_translation_id=st.id if st else None,
        segment_key=st.key if st else None,
        author_id=user.id,
        body=data.body,
        state=QuestionState.OPEN,
        mentions=[Mention(user_id=person.id) for person in mentioned],
    )
    session.add(question)
    session.flush()
    audit.record(
        session,
        user,
        "question.ask",
        "question",
        question.id,
        summary_id=summary.id,
        segment_key=question.segment_key,
        mentions=[person.email for person in mentioned],
    )
    emit(
        session,
        QuestionAsked(
            question_id=question.id,
            summary_id=summary.id,
            translation_id=question.translation_id,
            segment_key=question.segment_key,
            author_id=user.id,
            mentioned_ids=tuple(person.id for person in mentioned),
        ),
    )
    return question


def _staff(session: DbSession, emails: list[str]) -> list[User]:
    """The active staff members with these addresses, each once; a field error names any other."""
    wanted = {normalise_email(email): email for email in emails}
    people = {
        person.email: person
        for person in session.scalars(select(User).where(User.email.in_(list(wanted))))
        if person.active and person.roles
    }
    for address, typed in wanted.items():
        if address not in people:
            raise ValidationError(
                {
                    "mentions": str(
                        _l("No staff member has the e-mail address %(email)s.", email=typed)
                    )
                }
            )
    return list(people.values())


def answer(session: DbSession, question: Question, user: User, data: AnswerIn) -> Answer:
    """Add a reply to an open question's thread."""
    require(user, Permission.DISCUSS)
    if question.state == QuestionState.RESOLVED:
        raise Refused(str(_l("This question is resolved. Ask a new question instead.")))
    reply = Answer(question_id=question.id, author_id=user.id, body=data.body)
    question.answers.append(reply)
    session.flush()
    audit.record(session, user, "question.answer", "question", question.id, answer_id=reply.id)
    emit(
        session,
        QuestionAnswered(
            question_id=question.id,
            answer_id=reply.id,
            summary_id=question.summary_id,
            author_id=user.id,
            asker_id=question.author_id,
        ),
    )
    return reply


def resolve(session: DbSession, question: Question, user: User) -> Question:
    """Close the thread: whoever asked or answered may say it is settled."""
    require(user, Permission.DISCUSS)
    if question.state == QuestionState.RESOLVED:
        raise Refused(str(_l("This question is already resolved.")))
    question.state = QuestionState.RESOLVED
    question.resolved_by_id, question.resolved_at = user.id, utcnow()
    session.flush()
    audit.record(session, user, "question.resolve", "question", question.id)
    emit(
        session,
        QuestionResolved(
            question_id=question.id,
            summary_id=question.summary_id,
            resolved_by_id=user.id,
            asker_id=question.author_id,
        ),
    )
    return question


def open_first(questions: list[Question]) -> list[Question]:
    """Open questions first, each group in the order asked."""
    return sorted(questions, key=lambda q: (q.state != QuestionState.OPEN, q.id))


def of_summary(
    session: DbSession, summary_id: int, state: QuestionState | None = None
) -> list[Question]:
    """The summary's questions (on it and on its segments), open first."""
    query = select(Question).where(Question.summary_id == summary_id)
    if state is not None:
        query = query.where(Question.state == state)
    return open_first(list(session.scalars(query)))


def of_translation(session: DbSession, tr: Translation) -> list[Question]:
    """The questions asked on the translation's segments, open first."""
    rows = session.scalars(select(Question).where(Question.translation_id == tr.id))
    return open_first(list(rows))


def segment_of(question: Question, tr: Translation | None) -> SegmentTranslation | None:
    """The segment the question is about now: by id (it follows a moved sentence), else by key."""
    if tr is None or question.translation_id != tr.id:
        return None
    by_id = next((st for st in tr.segments if st.id == question.segment_translation_id), None)
    if by_id is not None:
        return by_id
    return next((st for st in tr.segments if st.key == question.segment_key), None)


def placed(questions: list[Question], tr: Translation) -> dict[int | None, list[Question]]:
    """Segment translation id -> its questions; None gathers those whose segment is gone."""
    found: dict[int | None, list[Question]] = defaultdict(list)
    for question in questions:
        st = segment_of(question, tr)
        found[st.id if st else None].append(question)
    return dict(found)


def people(questions: list[Question]) -> set[int]:
    """Every user id a list of questions names (for one look-up of their e-mails)."""
    ids: set[int] = set()
    for q in questions:
        ids |= {q.author_id or 0, q.resolved_by_id or 0}
        ids |= {a.author_id or 0 for a in q.answers} | {m.user_id for m in q.mentions}
    return ids - {0}


@dataclass(frozen=True)
class Row:
    """A question as a list shows it: where it was asked, now."""

    question: Question
    translation: Translation | None
    segment: SegmentTranslation | None


def listing(session: DbSession, summary_id: int, state: QuestionState | None = None) -> list[Row]:
    """The summary's questions with their translation and current segment (no query per row)."""
    questions = of_summary(session, summary_id, state)
    ids = {q.translation_id for q in questions if q.translation_id}
    translations = {
        tr.id: tr
        for tr in session.scalars(
            select(Translation)
            .where(Translation.id.in_(ids))
            .options(selectinload(Translation.segments))
        )
    }
    rows = []
    for q in questions:
        tr = translations.get(q.translation_id) if q.translation_id else None
        rows.append(Row(q, tr, segment_of(q, tr)))
    return rows
