"""Bearer-token authentication for the JSON API, and invitations (`POST /users`)."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts import invites
from webapp.accounts import services as users
from webapp.accounts.current import acting_user
from webapp.accounts.schemas import AcceptIn, AcceptOut, InviteIn, InviteOut
from webapp.accounts.views import invite_url, mail_configured
from webapp.core.api import bp, json_body, operation
from webapp.core.permissions import Permission, is_api_request, public, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db


@bp.before_app_request
def _authenticate() -> None:
    """Who holds the bearer token, if any, and its scopes; `requires` refuses routes that need
    someone. Only API paths read tokens; pages use the session."""
    if not is_api_request():
        return
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():  # the scheme is case-insensitive (RFC 9110)
        # its last use is kept even when the call then fails
        with unit_of_work(only_changes=True):
            row = users.token_for(db.session, token.strip())
        if row is not None:
            g.api_user = row.user
            g.api_scopes = frozenset(row.scope_list)


@bp.post("/users")
@requires(Permission.MANAGE_USERS)
@operation(
    _l("Invite a user: an account with no password yet and a one-time link to set one"),
    body=InviteIn,
    responses={201: InviteOut},
)
def create_user() -> ResponseReturnValue:
    data = json_body(InviteIn)
    with unit_of_work():
        issued = invites.invite_user(
            db.session,
            current_app.config["SECRET_KEY"],
            data.email,
            data.roles,
            data.locales,
            name=data.name.strip(),
            ui_locale=data.ui_locale,
            actor=acting_user(),
        )
    out = InviteOut(
        id=issued.user.id,
        email=issued.user.email,
        roles=issued.user.role_names,
        invite_url=invite_url(issued.token),
        invite_expires_at=issued.invite.expires_at,
        mailed=mail_configured(),
    )
    return jsonify(out.model_dump(mode="json")), 201


@bp.post("/invites/accept")
@public
@operation(
    _l("Set the first password through an invitation link's token (410 when used or expired)"),
    body=AcceptIn,
    responses={200: AcceptOut},
)
def accept_invite() -> ResponseReturnValue:
    data = json_body(AcceptIn)
    with unit_of_work():
        user = invites.accept(db.session, data.token, data.password)
    return jsonify(AcceptOut(id=user.id, email=user.email).model_dump(mode="json"))
