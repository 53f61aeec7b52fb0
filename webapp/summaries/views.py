"""Liaison pages: list, write, edit, preview and publish summaries."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from webapp.core.errors import DomainError, ValidationError, VersionConflict
from webapp.core.forms import SimpleForm
from webapp.core.locales import LOCALE_NAMES
from webapp.core.permissions import Permission, requires
from webapp.extensions import db
from webapp.publishing import services as publishing
from webapp.publishing.forms import PublishForm, WithdrawForm
from webapp.accounts import services as users
from webapp.summaries import history
from webapp.summaries import services as summaries
from webapp.summaries.forms import SummaryForm
from webapp.summaries.models import Summary

bp = Blueprint("summaries", __name__, url_prefix="/manage", template_folder="templates")


@bp.get("/")
@requires(Permission.READ_SUMMARIES)
def dashboard():
    rows = db.session.scalars(
        select(Summary)
        .order_by(Summary.updated_at.desc())
        .options(selectinload(Summary.current_revision))
    ).all()
    published = publishing.published_locales_by_summary(db.session, [s.id for s in rows])
    return render_template("summaries/dashboard.html", summaries=rows, published=published)


def _lines(text: str | None, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """'a | b | c' per line into dicts, so the plain form can carry structured data."""
    items = []
    for line in (text or "").splitlines():
        if line.strip():
            parts = [p.strip() for p in line.split("|")]
            items.append({k: (parts[i] if i < len(parts) else "") for i, k in enumerate(keys)})
    return items


def _unlines(items: list[dict], keys: tuple[str, ...]) -> str:
    return "\n".join(" | ".join(i.get(k, "") for k in keys).rstrip(" |") for i in items)


PARTICIPANT_KEYS = ("name", "role", "country")
QUOTE_KEYS = ("speaker", "text")


def _form_data(form: SummaryForm) -> dict:
    return {
        "source_locale": form.source_locale.data,
        "title": form.title.data,
        "meeting_date": form.meeting_date.data.isoformat() if form.meeting_date.data else "",
        "location": form.location.data or "",
        "lede": form.lede.data or "",
        "body": form.body.data,
        "participants": _lines(form.participants.data, PARTICIPANT_KEYS),
        "quotes": _lines(form.quotes.data, QUOTE_KEYS),
    }


def _apply_errors(form: SummaryForm, errors: dict[str, str]) -> None:
    """Put each schema error beside its field; a list item's error names its line."""
    for name, message in errors.items():
        head, *rest = name.split(".")
        field = getattr(form, head, None)
        if rest and rest[0].isdigit():
            message = _("Line %(n)d: %(message)s", n=int(rest[0]) + 1, message=message)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


@bp.route("/summaries/new", methods=["GET", "POST"])
@requires(Permission.WRITE_SUMMARY)
def new_summary():
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            summary = summaries.create_summary(db.session, _form_data(form), current_user)
        except ValidationError as exc:
            db.session.rollback()
            _apply_errors(form, exc.fields)
        else:
            db.session.commit()
            flash(_("Saved. The translation is queued for machine translation."))
            return redirect(url_for("summaries.summary", summary_id=summary.id))
    status = 422 if form.errors else 200
    return render_template("summaries/edit.html", form=form, summary=None), status


@bp.get("/summaries/<id:summary_id>")
@requires(Permission.READ_SUMMARIES)
def summary(summary_id: int):
    summary = db.get_or_404(Summary, summary_id)
    published = publishing.published_versions(db.session, summary.id)
    withdraw_form = WithdrawForm()
    withdraw_form.locale.choices = [
        SelectChoice(loc, LOCALE_NAMES[loc]) for loc in sorted(published)
    ]
    return render_template(
        "summaries/summary.html",
        summary=summary,
        published=published,
        withdrawn=publishing.active_withdrawals(db.session, [summary.id])[summary.id],
        ever_published=publishing.ever_published(db.session, summary.id),
        publish_form=PublishForm(),
        withdraw_form=withdraw_form,
        delete_form=SimpleForm(),
    )


@bp.get("/summaries/<id:summary_id>/history")
@requires(Permission.READ_SUMMARIES)
def history_page(summary_id: int):
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
def restore_revision(summary_id: int, number: int):
    summary = db.get_or_404(Summary, summary_id)
    form = SimpleForm()
    if form.validate_on_submit():
        raw = request.form.get("version", "")
        expected = int(raw) if raw.isdigit() and len(raw) < 10 else -1
        try:
            history.restore(db.session, summary, number, expected, current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("summaries.history_page", summary_id=summary_id))
        db.session.commit()
        flash(_("Version %(n)d is restored as version %(new)d.", n=number, new=summary.version))
    return redirect(url_for("summaries.summary", summary_id=summary_id))


@bp.post("/summaries/<id:summary_id>/delete")
@requires(Permission.WRITE_SUMMARY)
def delete_summary(summary_id: int):
    summary = db.get_or_404(Summary, summary_id)
    if not SimpleForm().validate_on_submit():
        return redirect(url_for("summaries.summary", summary_id=summary_id))
    try:
        summaries.delete_summary(db.session, summary, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("summaries.summary", summary_id=summary_id))
    db.session.commit()
    flash(_("The draft is deleted."))
    return redirect(url_for("summaries.dashboard"))


@bp.route("/summaries/<id:summary_id>/edit", methods=["GET", "POST"])
@requires(Permission.WRITE_SUMMARY)
def edit_summary(summary_id: int):
    summary = db.get_or_404(Summary, summary_id)
    rev = summary.revision
    form = SummaryForm()
    conflict = None
    if request.method == "GET":
        form.process(
            data={
                "source_locale": summary.source_locale,
                "title": rev.title,
                "meeting_date": rev.meeting_date,
                "location": rev.location,
                "lede": rev.lede,
                "body": rev.body,
                "participants": _unlines(rev.participants, PARTICIPANT_KEYS),
                "quotes": _unlines(rev.quotes, QUOTE_KEYS),
                "version": summary.version,
            }
        )
    elif form.validate_on_submit():
        data = _form_data(form)
        data.pop("source_locale")
        try:
            expected = form.version.data or 0
            summaries.update_summary(db.session, summary, data, expected, current_user)
        except ValidationError as exc:
            db.session.rollback()
            _apply_errors(form, exc.fields)
        except VersionConflict as exc:
            db.session.rollback()
            conflict = exc
        else:
            db.session.commit()
            flash(_("Saved. Only the changed sentences will be translated again."))
            return redirect(url_for("summaries.summary", summary_id=summary.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template(
        "summaries/edit.html", form=form, summary=summary, conflict=conflict
    ), status
