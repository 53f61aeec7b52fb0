"""The liaison's publishing actions: the preview of a reader's page, publish, withdraw, and
schedule a joint release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as users
from webapp.core.db import utcnow
from webapp.core.errors import DomainError, NotReady, ValidationError
from webapp.core.forms import SimpleForm
from webapp.core.i18n import language_list, language_name, long_datetime
from webapp.core.locales import LOCALES
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.timezones import zone_names
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.publishing import schedules, signoff
from webapp.publishing import services as publishing
from webapp.publishing.forms import PublishForm, ScheduleForm, WithdrawForm
from webapp.publishing.models import ReleaseState, ScheduledRelease
from webapp.publishing.schemas import (
    PublishIn,
    ScheduleChange,
    ScheduleIn,
    WithdrawIn,
)
from webapp.reader import links
from webapp.summaries.models import Summary
from webapp.translation.models import translations_of

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


@staff.post("/summaries/<id:summary_id>/signoff")
@requires(Permission.PUBLISH)
def sign_off(summary_id: int) -> ResponseReturnValue:
    """A second publisher signs off the current version (REQUIRE_PUBLISH_SIGNOFF)."""
    summary = db.get_or_404(Summary, summary_id)
    if SimpleForm().validate_on_submit():
        try:
            with unit_of_work():
                signoff.sign_off(db.session, summary, current_user)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Signed off version %(version)d.", version=summary.version))
    return redirect(url_for("summaries.summary", summary_id=summary.id, _anchor="signoff"))


def signoff_context(summary: Summary) -> dict[str, Any]:
    """What the summary page states about the current version's sign-off, and who may give it."""
    state = signoff.state(db.session, summary)
    row = state.signoff
    return {
        "signoff": state,
        "signoff_by": users.emails_for(db.session, {row.user_id}).get(row.user_id) if row else None,
        "may_sign_off": signoff.may_sign_off(summary, current_user) and row is None,
        "signoff_form": SimpleForm(),
    }


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


@dataclass(frozen=True)
class ScheduleFacts:
    """A scheduled release as the summary page states it, in the zone it was given in and UTC."""

    row: ScheduledRelease
    languages: str
    outstanding: str
    local: str
    utc: str


def schedule_context(summary: Summary) -> dict[str, Any]:
    """What the summary page needs for its release schedule: the facts and the form."""
    row = schedules.latest_schedule(db.session, summary.id)
    if row is not None and row.state == ReleaseState.CANCELLED:
        row = None
    facts = None
    if row is not None:
        utc = row.release_at.astimezone(UTC)
        facts = ScheduleFacts(
            row,
            language_list(row.locales),
            language_list(row.outstanding),
            long_datetime(row.release_at, row.time_zone),
            f"{utc:%H:%M} UTC",
        )
    form = ScheduleForm()
    _offer(form, summary)
    if row is not None and row.state in schedules.OPEN and not form.is_submitted():
        local = row.release_at.astimezone(ZoneInfo(row.time_zone))
        form.locales.data = list(row.locales)
        form.date.data, form.time.data = local.date(), local.time()
        form.time_zone.data, form.policy.data = row.time_zone, str(row.policy)
    elif not form.is_submitted():
        form.locales.data = [c.value for c in form.locales.choices]
    return {"schedule": facts, "schedule_form": form, "cancel_form": SimpleForm()}


def _offer(form: ScheduleForm, summary: Summary) -> None:
    locales = [summary.source_locale] + [t.locale for t in translations_of(summary)]
    form.locales.choices = [SelectChoice(loc, language_name(loc)) for loc in locales]
    form.time_zone.choices = [SelectChoice(z, z) for z in zone_names()]


@staff.post("/summaries/<id:summary_id>/schedule")
@requires(Permission.PUBLISH)
def schedule(summary_id: int) -> ResponseReturnValue:
    """Schedule a joint release, or change the one that is open."""
    summary = db.get_or_404(Summary, summary_id)
    form = ScheduleForm()
    _offer(form, summary)
    if form.validate_on_submit():
        assert form.date.data is not None and form.time.data is not None
        data = {
            "locales": list(form.locales.data or []),
            "release_at": datetime.combine(form.date.data, form.time.data).isoformat(),
            "time_zone": form.time_zone.data,
            "policy": form.policy.data,
        }
        try:
            with unit_of_work():
                if schedules.open_schedule(db.session, summary.id) is None:
                    schedules.schedule(
                        db.session, summary, parse(ScheduleIn, data), current_user, utcnow()
                    )
                    flash(_("The release is scheduled."))
                else:
                    schedules.reschedule(
                        db.session, summary, parse(ScheduleChange, data), current_user, utcnow()
                    )
                    flash(_("The release is rescheduled."))
        except DomainError as exc:
            fields = getattr(exc, "fields", {})
            flash(" ".join(fields.values()) or exc.message, "error")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("summaries.summary", summary_id=summary.id) + "#schedule")


@staff.post("/summaries/<id:summary_id>/schedule/cancel")
@requires(Permission.PUBLISH)
def cancel_schedule(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    if SimpleForm().validate_on_submit():
        try:
            with unit_of_work():
                schedules.cancel(db.session, summary, current_user)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The scheduled release is cancelled; nothing was published by it."))
    return redirect(url_for("summaries.summary", summary_id=summary.id))
