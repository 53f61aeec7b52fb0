"""The inbox and the mail preferences in the JSON API (`/api/v1`)."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.core.api import bp, json_body, operation
from webapp.core.errors import ValidationError
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.notifications import services
from webapp.notifications.kinds import Frequency, Kind
from webapp.notifications.mail import link
from webapp.notifications.schemas import (
    InboxOut,
    InboxQuery,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    ReadIn,
    ReadOut,
)


@bp.get("/notifications")
@requires(Permission.NOTIFICATIONS)
@operation(
    _l("Your inbox, newest first (unread=1: only unread lines)"),
    query=InboxQuery,
    responses={200: InboxOut},
)
def list_notifications() -> ResponseReturnValue:
    user = acting_user()
    query = parse(InboxQuery, request.args.to_dict())
    rows = services.inbox(db.session, user, unread=query.unread == "1")
    names = services.titles(db.session, [r.summary_id for r in rows])
    out = InboxOut(
        notifications=[
            NotificationOut(
                id=r.id,
                kind=str(r.kind),
                summary_id=r.summary_id,
                title=names[r.summary_id].text if r.summary_id in names else None,
                locale=r.locale,
                translation_id=r.translation_id,
                question_id=r.question_id,
                count=r.count,
                created_at=r.created_at,
                updated_at=r.updated_at,
                read=r.read_at is not None,
                url=link(r, user),
            )
            for r in rows
        ],
        unread=services.unread_count(db.session, user.id),
    )
    return jsonify(out.model_dump(mode="json"))


@bp.post("/notifications/read")
@requires(Permission.NOTIFICATIONS)
@operation(_l("Mark lines of your inbox read: ids, or all"), body=ReadIn, responses={200: ReadOut})
def read_notifications() -> ResponseReturnValue:
    data = json_body(ReadIn)
    if data.ids is None and not data.all:
        raise ValidationError({"ids": str(_l("Send the ids to mark read, or all: true."))})
    user = acting_user()
    with unit_of_work():
        marked = services.mark_read(db.session, user, None if data.all else data.ids)
    out = ReadOut(marked=marked, unread=services.unread_count(db.session, user.id))
    return jsonify(out.model_dump(mode="json"))


def _preferences_out(user_id: int) -> ResponseReturnValue:
    chosen = services.preferences(db.session, user_id)
    out = PreferencesOut(preferences={str(k): str(f) for k, f in chosen.items()})
    return jsonify(out.model_dump(mode="json"))


@bp.get("/account/notifications")
@requires(Permission.NOTIFICATIONS)
@operation(
    _l("How often each kind of notification is mailed to you"), responses={200: PreferencesOut}
)
def get_preferences() -> ResponseReturnValue:
    return _preferences_out(acting_user().id)


@bp.put("/account/notifications")
@requires(Permission.NOTIFICATIONS)
@operation(
    _l("Choose how often each kind is mailed: immediate, hourly, daily or never"),
    body=PreferencesIn,
    responses={200: PreferencesOut},
)
def put_preferences() -> ResponseReturnValue:
    data = json_body(PreferencesIn)
    user = acting_user()
    with unit_of_work():
        chosen = data.preferences.model_dump(exclude_none=True)
        services.set_preferences(
            db.session, user, {Kind(k): Frequency(f) for k, f in chosen.items()}
        )
    return _preferences_out(user.id)
