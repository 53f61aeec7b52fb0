"""The audit log for administrators: browse and filter, never edit."""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as users
from webapp.admin.forms import AuditFilterForm
from webapp.audit import services as audit
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import ID_MAX
from webapp.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit", template_folder="templates")


@bp.app_template_filter("audit_value")
def audit_value(value: object) -> str:
    """A detail value as a person reads it: text as written, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@bp.get("/")
@requires(Permission.SEE_AUDIT)
def index() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    everything = SelectChoice("", _("Any"))
    form.action.choices = [everything, *(SelectChoice(a, a) for a in audit.actions(db.session))]
    form.object_type.choices = [
        everything,
        *(SelectChoice(t, t) for t in audit.object_types(db.session)),
    ]
    filters = audit.Filters()
    status = 200
    if request.args and not form.validate():
        status = 422
    elif request.args:
        actor_id = None
        if form.actor.data:
            actor_id = users.id_for_email(db.session, form.actor.data)
            if actor_id is None:
                form.actor.errors = [_("No user with that email.")]
                status = 422
        filters = audit.Filters(
            action=form.action.data or None,
            actor_id=actor_id,
            object_type=form.object_type.data or None,
            object_id=form.object_id.data,
            since=form.since.data,
            until=form.until.data,
        )
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and 0 < int(before) <= ID_MAX else None
    page = audit.browse(db.session, filters, before=before_id) if status == 200 else None
    people = users.emails_for(
        db.session, {e.actor_id for e in page.events if e.actor_id} if page else set()
    )
    query = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template(
        "audit/index.html", form=form, page=page, people=people, query=query
    ), status
