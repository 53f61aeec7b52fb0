"""Question pages and forms: a thread page, and the blocks the review and summary pages show.

Every form works without script: a plain POST, then a redirect back to where it was sent from
(the review page at the segment, the summary page, or the thread). A form with an error is shown
again on its own page, with the message beside the field.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from webapp.accounts import services as users
from webapp.core.db import DbSession
from webapp.core.errors import Refused, ValidationError
from webapp.core.permissions import Permission, allowed, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.questions import services
from webapp.questions.forms import BACK, AnswerForm, AskForm
from webapp.questions.models import Question
from webapp.questions.schemas import AnswerIn, QuestionIn
from webapp.summaries import services as summaries
from webapp.translation.models import Translation

bp = Blueprint("questions", __name__, url_prefix="/questions", template_folder="templates")


def beside_segments(session: DbSession, tr: Translation) -> dict[int | None, Markup]:
    """The review page's blocks: each segment's questions and ask form (None: segment gone)."""
    questions = services.of_translation(session, tr)
    where = services.placed(questions, tr)
    emails = users.emails_for(session, services.people(questions))
    block = get_template_attribute("questions/_blocks.html", "segment_questions")
    found: dict[int | None, Markup] = {
        st.id: block(tr, st, where.get(st.id, []), emails) for st in tr.segments
    }
    if where.get(None):
        gone = get_template_attribute("questions/_blocks.html", "gone_questions")
        found[None] = gone(where[None], emails)
    return found


def _back(question: Question, back: str | None) -> Response:
    """Where the form came from; the review page only for those who may open it."""
    tr = db.session.get(Translation, question.translation_id) if question.translation_id else None
    if back == "review" and tr is not None and allowed(current_user, Permission.REVIEW, tr.locale):
        st = services.segment_of(question, tr)
        anchor = f"questions-{st.id}" if st else f"question-{question.id}"
        return redirect(url_for("review.translation_page", translation_id=tr.id, _anchor=anchor))
    if back == "summary":
        return redirect(
            url_for("summaries.summary", summary_id=question.summary_id, _anchor="questions")
        )
    return redirect(url_for("questions.thread", question_id=question.id))


def _mentions(raw: str | None) -> list[str]:
    """ "a@x.org, b@y.org" -> the addresses (at most a few; the schema says how many)."""
    return [part.strip() for part in (raw or "").replace(";", ",").split(",") if part.strip()]


@bp.post("/summaries/<id:summary_id>")
@requires(Permission.DISCUSS)
def ask(summary_id: int) -> ResponseReturnValue:
    """Ask on the summary, or on one segment (the form beside it on the review page)."""
    summary = summaries.get_summary(db.session, summary_id)
    form = AskForm()
    if not form.validate_on_submit():
        raise ValidationError({"body": _("The form expired; reload the page and try again.")})
    segment = form.segment_id.data or ""
    data = {"body": form.body.data or "", "mentions": _mentions(form.mention.data)}
    if segment:
        data["segment_id"] = int(segment) if segment.isdigit() and len(segment) < 10 else 0
    try:
        with unit_of_work():
            question = services.ask(db.session, summary, current_user, parse(QuestionIn, data))
    except ValidationError as exc:
        return render_template(
            "questions/ask.html", summary=summary, form=form, errors=exc.fields
        ), exc.status
    flash(_("Your question is posted."))
    return _back(question, form.back.data if form.back.data in BACK else None)


@bp.get("/<id:question_id>")
@requires(Permission.READ_SUMMARIES)
def thread(question_id: int) -> ResponseReturnValue:
    """One question with its segment's source and translation, its answers and forms."""
    return _thread_page(services.get_question(db.session, question_id))


def _thread_page(
    question: Question,
    form: AnswerForm | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    tr = db.session.get(Translation, question.translation_id) if question.translation_id else None
    return render_template(
        "questions/thread.html",
        question=question,
        summary=summaries.get_summary(db.session, question.summary_id),
        tr=tr,
        st=services.segment_of(question, tr),
        emails=users.emails_for(db.session, services.people([question])),
        form=form or AnswerForm(),
        errors=errors or {},
    ), status


@bp.post("/<id:question_id>/answers")
@requires(Permission.DISCUSS)
def answer(question_id: int) -> ResponseReturnValue:
    question = services.get_question(db.session, question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        raise ValidationError({"body": _("The form expired; reload the page and try again.")})
    try:
        with unit_of_work():
            services.answer(
                db.session, question, current_user, parse(AnswerIn, {"body": form.body.data or ""})
            )
    except ValidationError as exc:
        return _thread_page(question, form, exc.fields, exc.status)
    except Refused as exc:
        flash(exc.message, "error")
    else:
        flash(_("Your answer is posted."))
    return _back(question, request.form.get("back"))


@bp.post("/<id:question_id>/resolve")
@requires(Permission.DISCUSS)
def resolve(question_id: int) -> ResponseReturnValue:
    question = services.get_question(db.session, question_id)
    if not AnswerForm().validate_on_submit():
        raise ValidationError({"body": _("The form expired; reload the page and try again.")})
    try:
        with unit_of_work():
            services.resolve(db.session, question, current_user)
    except Refused as exc:
        flash(exc.message, "error")
    else:
        flash(_("The question is resolved."))
    return _back(question, request.form.get("back"))
