"""The signed-in user of the current request, typed as a User for the views."""

from __future__ import annotations

from webapp.accounts.models import User
from webapp.core.errors import Unauthenticated
from webapp.core.permissions import current_actor


def acting_user() -> User:
    """The user a `requires`-protected view acts for (token holder or session user)."""
    actor = current_actor()
    if not isinstance(actor, User):
        raise Unauthenticated("No signed-in user.")
    return actor
