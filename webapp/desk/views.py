"""Liaison pages: the desk, a summary's page, its history, address, assignment and deletion.

Writing and editing a summary (the form) is `desk.editing`, on this blueprint."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as users
from webapp.accounts.current import acting_user
from webapp.core.countries import country_choices
from webapp.core.errors import DomainError
from webapp.core.forms import SimpleForm
from webapp.core.locales import LOCALE_NAMES
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.desk import assigning as assigning_forms
from webapp.desk import listing as desk
from webapp.desk import work
from webapp.desk.forms import DeskFilterForm, SlugForm
from webapp.desk.publishing_views import schedule_context, signoff_context
from webapp.extensions import db
from webapp.languages.sentences import MAX_SENTENCE
from webapp.publishing import services as publishing
from webapp.publishing.forms import PublishForm, WithdrawForm
from webapp.questions import services as questions
from webapp.questions.models import QuestionState
from webapp.summaries import document, history
from webapp.summaries import services as summaries
from webapp.summaries.models import Summary
from webapp.summaries.schemas import SlugIn
from webapp.topics import services as topics
from webapp.translation.forms import AssignmentForm
from webapp.translation.models import Translation

bp = Blueprint("summaries", __name__, url_prefix="/manage", template_folder="templates")


@bp.get("/")
@requires(Permission.READ_SUMMARIES)
def dashboard() -> ResponseReturnValue:
    """The desk: summaries x locales with their states, searchable, filterable, paged."""
    form = DeskFilterForm(request.args)
    form.state.choices = [
        SelectChoice("", _("Any")),
        *(SelectChoice(s, desk.state_label(s)) for s in desk.STATES),
    ]
    form.country.choices = [SelectChoice("", _("Any")), *country_choices()]
    status = 200
    filters = desk.Filters()
    if request.args and not form.validate():
        status = 422
    else:
        raw_page = request.args.get("page", "1")
        filters = desk.Filters(
            q=(form.q.data or "").strip(),
            state=form.state.data or "",
            locale=form.locale.data or "",
            country=form.country.data or "",
            since=form.since.data,
            until=form.until.data,
            page=int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1,
        )
    page = desk.desk(db.session, filters)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "summaries/dashboard.html", form=form, page=page, query=query, filtered=bool(query)
    ), status


@bp.get("/work")
@requires(Permission.READ_SUMMARIES)
def my_work() -> ResponseReturnValue:
    """What waits for the signed-in person: assigned work, deadlines, their summaries."""
    return render_template(
        "work/my_work.html", work=work.my_work(db.session, acting_user()), overdue=work.overdue
    )


@bp.get("/summaries/<id:summary_id>")
@requires(Permission.READ_SUMMARIES)
def summary(summary_id: int) -> ResponseReturnValue:
    return _summary_page(db.get_or_404(Summary, summary_id))


def _summary_page(
    summary: Summary, assigning: dict[str, AssignmentForm] | None = None, status: int = 200
) -> ResponseReturnValue:
    """The liaison's page of one summary (`assigning`: a language's form sent back with errors)."""
    published = publishing.published_versions(db.session, summary.id)
    open_questions = questions.listing(db.session, summary.id, QuestionState.OPEN)
    withdraw_form = WithdrawForm()
    withdraw_form.offer([(loc, LOCALE_NAMES[loc]) for loc in sorted(published)])
    # A language row's "Withdraw…" link opens the form with its language chosen.
    withdrawing = request.args.get("withdraw")
    if withdrawing in published:
        withdraw_form.locale.data = withdrawing
    return render_template(
        "summaries/summary.html",
        summary=summary,
        published=published,
        withdrawn=publishing.active_withdrawals(db.session, [summary.id])[summary.id],
        ever_published=publishing.ever_published(db.session, summary.id),
        publish_form=PublishForm(),
        withdraw_form=withdraw_form,
        withdrawing=withdrawing in published,
        delete_form=SimpleForm(),
        slug_form=SlugForm(slug=summary.slug),
        topic_names=[
            t.name(str(get_locale()))
            for t in topics.by_slug(db.session, summary.revision.topics).values()
        ],
        related=summaries.references(db.session, summary.revision.related),
        cut_sentences=document.cut_sentences(summary.revision, summary.source_locale),
        max_sentence=MAX_SENTENCE,
        **schedule_context(summary),
        **signoff_context(summary),
        questions=open_questions,
        question_people=users.emails_for(
            db.session, questions.people([row.question for row in open_questions])
        ),
        assignments=assigning_forms.rows(db.session, summary, acting_user(), assigning),
    ), status


@bp.post("/translations/<id:translation_id>/assignment")
@requires(Permission.ASSIGN_WORK)
def assign(translation_id: int) -> ResponseReturnValue:
    """Assign a translation and set its "needed by" time from the summary page."""
    tr = db.get_or_404(Translation, translation_id)
    form = assigning_forms.prepare(db.session, tr)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                assigning_forms.apply(db.session, tr, form, acting_user())
        except DomainError:
            pass  # the form holds the errors beside its fields
        else:
            flash(
                _(
                    "Saved: who has the %(language)s translation, and by when.",
                    language=LOCALE_NAMES[tr.locale],
                )
            )
            return redirect(
                url_for(
                    "summaries.summary", summary_id=tr.summary_id, _anchor=f"assign-{tr.locale}"
                )
            )
    summary = db.get_or_404(Summary, tr.summary_id)
    return _summary_page(summary, {tr.locale: form}, 422)


@bp.post("/summaries/<id:summary_id>/slug")
@requires(Permission.WRITE_SUMMARY)
def change_slug(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    form = SlugForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                summaries.change_slug(
                    db.session, summary, parse(SlugIn, {"slug": form.slug.data}), current_user
                )
        except DomainError as exc:
            fields = getattr(exc, "fields", {})
            flash(" ".join(fields.values()) or exc.message, "error")
        else:
            flash(_("The address is now %(slug)s.", slug=summary.slug))
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("summaries.summary", summary_id=summary_id))


@bp.get("/summaries/<id:summary_id>/history")
@requires(Permission.READ_SUMMARIES)
def history_page(summary_id: int) -> ResponseReturnValue:
    """Every version with who and when; a word-level comparison of any two."""
    summary = db.get_or_404(Summary, summary_id)
    revisions = history.list_revisions(db.session, summary)
    numbers = [r.number for r in revisions]
    newer = _version_arg("to", numbers, default=numbers[0])
    older = _version_arg("from", numbers, default=numbers[1] if len(numbers) > 1 else numbers[0])
    by_number = {r.number: r for r in revisions}
    changes = history.compare(by_number[older], by_number[newer], summary.source_locale)
    emails = users.emails_for(db.session, {r.created_by_id for r in revisions if r.created_by_id})
    return render_template(
        "summaries/history.html",
        summary=summary,
        revisions=revisions,
        emails=emails,
        older=older,
        newer=newer,
        changes=changes,
        restore_form=SimpleForm(),
    )


def _version_arg(name: str, numbers: list[int], *, default: int) -> int:
    """A version number from the query string; anything else falls back to the default."""
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 and int(raw) in numbers else default


@bp.post("/summaries/<id:summary_id>/history/<id:number>/restore")
@requires(Permission.WRITE_SUMMARY)
def restore_revision(summary_id: int, number: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    form = SimpleForm()
    if form.validate_on_submit():
        raw = request.form.get("version", "")
        expected = int(raw) if raw.isdigit() and len(raw) < 10 else -1
        try:
            with unit_of_work():
                history.restore(db.session, summary, number, expected, current_user)
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for("summaries.history_page", summary_id=summary_id))
        flash(_("Version %(n)d is restored as version %(new)d.", n=number, new=summary.version))
    return redirect(url_for("summaries.summary", summary_id=summary_id))


@bp.post("/summaries/<id:summary_id>/delete")
@requires(Permission.WRITE_SUMMARY)
def delete_summary(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    if not SimpleForm().validate_on_submit():
        return redirect(url_for("summaries.summary", summary_id=summary_id))
    try:
        with unit_of_work():
            summaries.delete_summary(db.session, summary, current_user)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("summaries.summary", summary_id=summary_id))
    flash(_("The draft is deleted."))
    return redirect(url_for("summaries.dashboard"))
