"""The inbox page and the mail settings page, and the unread count in the staff navigation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from webapp.accounts.current import acting_user
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, allowed, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.notifications import mail, services
from webapp.notifications.kinds import FREQUENCY_LABELS, KIND_LABELS, Frequency, Kind

bp = Blueprint("notifications", __name__, url_prefix="/manage", template_folder="templates")


@bp.get("/inbox")
@requires(Permission.NOTIFICATIONS)
def inbox() -> ResponseReturnValue:
    """Newest first, unread marked, each line a link to the work."""
    user = acting_user()
    rows = services.inbox(db.session, user)
    return render_template(
        "notifications/inbox.html",
        rows=rows,
        titles=services.titles(db.session, [r.summary_id for r in rows]),
        labels=KIND_LABELS,
        link=lambda row: mail.link(row, user),
        form=SimpleForm(),
    )


@bp.post("/inbox/read")
@requires(Permission.NOTIFICATIONS)
def mark_read() -> ResponseReturnValue:
    """Mark one line (`id`) or every line read."""
    form = SimpleForm()
    if form.validate_on_submit():
        raw = request.form.get("id", "")
        ids = [int(raw)] if raw.isdigit() and len(raw) < 10 else None
        if ids is None and request.form.get("all") != "1":
            flash(_("Choose a line to mark read."), "error")
            return redirect(url_for("notifications.inbox"))
        with unit_of_work():
            services.mark_read(db.session, acting_user(), ids)
    return redirect(url_for("notifications.inbox"))


def _preferences(
    chosen: dict[Kind, Frequency], errors: dict[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "notifications/preferences.html",
        kinds=list(Kind),
        chosen=chosen,
        kind_labels=KIND_LABELS,
        frequency_labels=FREQUENCY_LABELS,
        errors=errors or {},
        form=SimpleForm(),
    ), status


@bp.get("/account/notifications")
@requires(Permission.NOTIFICATIONS)
def preferences_page() -> ResponseReturnValue:
    """Per kind: at once, hourly, daily or inbox only."""
    return _preferences(services.preferences(db.session, acting_user().id))


@bp.post("/account/notifications")
@requires(Permission.NOTIFICATIONS)
def save_preferences() -> ResponseReturnValue:
    user = acting_user()
    form = SimpleForm()
    chosen = services.preferences(db.session, user.id)
    errors: dict[str, str] = {}
    if not form.validate_on_submit():
        errors["_"] = _("The form expired. Send it again.")
    for kind in Kind:
        value = request.form.get(str(kind))
        if value is None:
            continue
        if value not in {str(f) for f in Frequency}:
            errors[str(kind)] = _("Choose one of the offered options.")
        else:
            chosen[kind] = Frequency(value)
    if errors:
        return _preferences(chosen, errors, 422)
    with unit_of_work():
        services.set_preferences(db.session, user, chosen)
    flash(_("Your notification settings are saved."))
    return redirect(url_for("notifications.preferences_page"))


def _inbox_context() -> dict[str, Any]:
    """`inbox_unread()` for the staff navigation: counted only when the navigation asks."""

    def inbox_unread() -> int:
        if not current_user.is_authenticated or not allowed(current_user, Permission.NOTIFICATIONS):
            return 0
        try:
            return services.unread_count(db.session, current_user.id)
        except DBAPIError:  # an error page while the database is away still renders
            return 0

    return {"inbox_unread": inbox_unread}


def init_app(app: Flask) -> None:
    """Mail settings from MAIL_URL, and the navigation's unread count."""
    mail.init_app(app)
    app.context_processor(_inbox_context)
