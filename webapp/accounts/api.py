"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from flask import g, request

from webapp.accounts import services as users
from webapp.core.api import bp
from webapp.extensions import db


@bp.before_request
def _authenticate() -> None:
    """Who holds the bearer token, if any; `requires` refuses routes that need someone."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme == "Bearer" and token.strip():
        g.api_user = users.user_for_token(db.session, token.strip())
