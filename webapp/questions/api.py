"""Questions in the JSON API: list and ask on a summary, answer, resolve."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts import services as users
from webapp.accounts.current import acting_user
from webapp.core.api import bp, json_body, operation
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.questions import services
from webapp.questions.models import QuestionState
from webapp.questions.schemas import (
    AnswerIn,
    AnswerOut,
    QuestionIn,
    QuestionListOut,
    QuestionOut,
    QuestionQuery,
)
from webapp.summaries import services as summaries
from webapp.translation.models import Translation


def question_out(row: services.Row, emails: dict[int, str]) -> QuestionOut:
    q = row.question
    return QuestionOut(
        id=q.id,
        summary_id=q.summary_id,
        translation_id=q.translation_id,
        locale=row.translation.locale if row.translation else None,
        segment_id=row.segment.id if row.segment else None,
        segment_key=row.segment.key if row.segment else q.segment_key,
        author=emails.get(q.author_id) if q.author_id else None,
        body=q.body,
        state=str(q.state),
        mentions=[emails[m.user_id] for m in q.mentions if m.user_id in emails],
        created_at=q.created_at,
        resolved_by=emails.get(q.resolved_by_id) if q.resolved_by_id else None,
        resolved_at=q.resolved_at,
        answers=[
            AnswerOut(
                id=a.id,
                author=emails.get(a.author_id) if a.author_id else None,
                body=a.body,
                created_at=a.created_at,
            )
            for a in q.answers
        ],
    )


def _one(question_id: int, status: int = 200) -> ResponseReturnValue:
    q = services.get_question(db.session, question_id)
    tr = db.session.get(Translation, q.translation_id) if q.translation_id else None
    emails = users.emails_for(db.session, services.people([q]))
    out = question_out(services.Row(q, tr, services.segment_of(q, tr)), emails)
    return jsonify(out.model_dump(mode="json")), status


@bp.get("/summaries/<id:summary_id>/questions")
@requires(Permission.READ_SUMMARIES)
@operation(
    _l("The summary's questions (on it and on its segments), open ones first"),
    query=QuestionQuery,
    responses={200: QuestionListOut},
)
def list_questions(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    query = parse(QuestionQuery, request.args.to_dict())
    state = QuestionState(query.state) if query.state else None
    rows = services.listing(db.session, summary.id, state)
    emails = users.emails_for(db.session, services.people([r.question for r in rows]))
    out = QuestionListOut(questions=[question_out(r, emails) for r in rows])
    return jsonify(out.model_dump(mode="json"))


@bp.post("/summaries/<id:summary_id>/questions")
@requires(Permission.DISCUSS)
@operation(
    _l("Ask a question on the summary, or on one segment of a translation (segment_id)"),
    body=QuestionIn,
    responses={201: QuestionOut},
)
def ask_question(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    data = json_body(QuestionIn)
    with unit_of_work():
        question = services.ask(db.session, summary, acting_user(), data)
    return _one(question.id, 201)


@bp.post("/questions/<id:question_id>/answers")
@requires(Permission.DISCUSS)
@operation(
    _l("Answer an open question (409 once it is resolved)"),
    body=AnswerIn,
    responses={201: QuestionOut},
)
def answer_question(question_id: int) -> ResponseReturnValue:
    question = services.get_question(db.session, question_id)
    data = json_body(AnswerIn)
    with unit_of_work():
        services.answer(db.session, question, acting_user(), data)
    return _one(question_id, 201)


@bp.post("/questions/<id:question_id>/resolve")
@requires(Permission.DISCUSS)
@operation(_l("Mark a question as resolved (409 if it already is)"), responses={200: QuestionOut})
def resolve_question(question_id: int) -> ResponseReturnValue:
    question = services.get_question(db.session, question_id)
    with unit_of_work():
        services.resolve(db.session, question, acting_user())
    return _one(question_id)
