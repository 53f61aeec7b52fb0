"""Accounts, password checks and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.accounts.models import ApiToken, Role, User, UserRole
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.locales import LOCALES
from webapp.core.schemas import storable

MIN_PASSWORD = 8
MAX_EMAIL = 254  # the column's size
MAX_NAME = 200


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: DbSession,
    email: str,
    password: str,
    roles: list[str],
    locales: list[str] | None = None,
    name: str = "",
) -> User:
    """Create an account; translator roles apply to `locales` (none given: every locale)."""
    errors = {}
    email = normalise_email(email)
    if (
        len(email) > MAX_EMAIL
        or not storable(email)
        or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)
    ):
        errors["email"] = str(_l("Enter a valid email address."))
    elif session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = str(_l("A user with this email already exists."))
    if len(name) > MAX_NAME or not storable(name):
        errors["name"] = str(_l("Use at most %(n)d ordinary characters.", n=MAX_NAME))
    if len(password) < MIN_PASSWORD:
        errors["password"] = str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD))
    valid_roles = {r.value for r in Role}
    if not roles or any(r not in valid_roles for r in roles):
        errors["role"] = str(_l("Roles are liaison, translator or admin."))
    if any(loc not in LOCALES for loc in locales or []):
        errors["locale"] = str(_l("Locales are en or ja."))
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name or email.split("@")[0], password_hash="")
    user.password_hash = generate_password_hash(password)
    for role in roles:
        if role == Role.TRANSLATOR and locales:
            user.roles.extend(UserRole(role=Role(role), locale=loc) for loc in locales)
        else:
            user.roles.append(UserRole(role=Role(role)))
    session.add(user)
    session.flush()
    return user


def authenticate(session: DbSession, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for both faults)."""
    if not storable(email) or not storable(password):
        return None
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def find_user(session: DbSession, email: str) -> User:
    if not storable(email):
        raise NotFound(str(_l("No user with that email.")))
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(str(_l("No user with that email.")))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: DbSession, user: User) -> str:
    """A new random bearer token; only its hash is kept, so it is shown once."""
    token = "kk_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    session.flush()
    return token


def user_for_token(session: DbSession, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def exists(session: DbSession, email: str) -> bool:
    return session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None


def count_users(session: DbSession) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def emails_for(session: DbSession, user_ids: set[int]) -> dict[int, str]:
    """Who is who, in one query (history and audit lists)."""
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all())
