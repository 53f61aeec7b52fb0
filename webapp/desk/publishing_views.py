"""The liaison's publishing actions: the preview of a reader's page, publish and withdraw."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from webapp.core.errors import NotReady, ValidationError
from webapp.core.locales import LOCALES
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.publishing import services as publishing
from webapp.publishing.forms import PublishForm, WithdrawForm
from webapp.publishing.schemas import PublishIn, WithdrawIn
from webapp.reader import links
from webapp.summaries.models import Summary

staff = Blueprint("publishing", __name__, url_prefix="/manage", template_folder="templates")


@staff.get("/summaries/<id:summary_id>/preview/<locale>")
@requires(Permission.READ_SUMMARIES)
def preview(summary_id: int, locale: str) -> ResponseReturnValue:
    """The reader's page as it would look now, drafts marked, in the content's language rules."""
    summary = db.get_or_404(Summary, summary_id)
    if locale not in LOCALES:
        abort(404)
    preview = publishing.preview_content(summary, locale)
    if preview is None:
        abort(404)
    page = SimpleNamespace(
        content=preview.content, locale=locale, meeting_date=summary.revision.meeting_date
    )
    with force_locale(locale):  # headings and dates as the reader of that language sees them
        article = render_template(
            "publishing/_preview_article.html", pub=page, links=links.page_links(db.session, page)
        )
    return render_template(
        "publishing/preview.html",
        summary=summary,
        locale=locale,
        preview=preview,
        article=Markup(article),
    )


@staff.post("/summaries/<id:summary_id>/publish")
@requires(Permission.PUBLISH)
def publish(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                done = publishing.publish(
                    db.session,
                    summary,
                    parse(PublishIn, {"locales": [form.locale.data]}),
                    current_user,
                )
        except (NotReady, ValidationError) as exc:
            flash(exc.message, "error")
        else:
            if any(p.changed for p in done):
                flash(_("Published."))
            else:
                flash(_("Nothing to publish: readers already see this version."))
    return redirect(url_for("summaries.summary", summary_id=summary.id))


@staff.post("/summaries/<id:summary_id>/withdraw")
@requires(Permission.PUBLISH)
def withdraw(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    form = WithdrawForm()
    form.offer([(loc, loc) for loc in publishing.published_locales(db.session, summary.id)])
    if form.validate_on_submit():
        try:
            with unit_of_work():
                wanted = parse(
                    WithdrawIn, {"locales": [form.locale.data], "reason": form.reason.data}
                )
                publishing.withdraw(db.session, summary, wanted, current_user)
        except ValidationError as exc:
            flash(" ".join(exc.fields.values()) or exc.message, "error")
        else:
            flash(_("Withdrawn. Readers now learn that it was withdrawn; publish again to undo."))
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("summaries.summary", summary_id=summary.id))
