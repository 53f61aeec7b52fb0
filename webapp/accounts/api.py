"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from flask import g, request

from webapp.accounts import services as users
from webapp.core.api import bp
from webapp.core.permissions import is_api_request
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
