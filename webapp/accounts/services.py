"""Accounts, password checks and API tokens."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from webapp.accounts import passwords, sessions
from webapp.accounts.models import ApiToken, Role, User, UserRole
from webapp.audit import services as audit
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.locales import LOCALES
from webapp.core.permissions import TOKEN_SCOPES, scopes_held
from webapp.core.schemas import storable
from webapp.core.timezones import is_zone

MAX_EMAIL = 254  # the column's size
MAX_NAME = 200
MAX_TOKEN_NAME = 100
MAX_TOKEN_DAYS = 3650
# A token used within this long keeps its recorded last use (no write on every API call).
TOKEN_TOUCH_EVERY = timedelta(minutes=1)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: DbSession,
    email: str,
    password: str | None,
    roles: list[str],
    locales: list[str] | None = None,
    name: str = "",
    *,
    actor: User | None = None,
    more_errors: dict[str, str] | None = None,
) -> User:
    """Create an account; translator roles apply to `locales` (none given: every locale).

    `password` None: no usable password yet (an invited person chooses one through their link).
    `more_errors` are the caller's own findings, reported with these in one round.
    """
    errors = dict(more_errors or {})
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
    weak = passwords.problem(password, user_inputs=(email, name)) if password is not None else None
    if weak:
        errors["password"] = weak
    errors.update(_role_problems(roles, locales))
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name or email.split("@")[0], password_hash="")
    user.password_hash = passwords.hash_password(password) if password else passwords.UNUSABLE
    user.roles = _role_rows(roles, locales)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        email=email,
        roles=sorted(roles),
        **({"locales": sorted(locales)} if locales else {}),
        **({"invited": True} if password is None else {}),
    )
    return user


def locales_message() -> str:
    return str(_l("Use one of these locales: %(locales)s.", locales=", ".join(LOCALES)))


def _role_problems(roles: list[str], locales: list[str] | None) -> dict[str, str]:
    errors = {}
    valid_roles = {r.value for r in Role}
    if not roles or any(r not in valid_roles for r in roles):
        errors["role"] = str(_l("Roles are liaison, translator or admin."))
    if any(loc not in LOCALES for loc in locales or []):
        errors["locale"] = locales_message()
    return errors


def _role_rows(roles: list[str], locales: list[str] | None) -> list[UserRole]:
    """Translator roles apply to `locales` (none given: every locale); others to all."""
    rows = []
    for role in dict.fromkeys(roles):
        if role == Role.TRANSLATOR and locales:
            rows += [UserRole(role=Role(role), locale=loc) for loc in dict.fromkeys(locales)]
        else:
            rows.append(UserRole(role=Role(role)))
    return rows


def _role_summary(user: User) -> list[str]:
    return sorted(f"{row.role}:{row.locale}" if row.locale else str(row.role) for row in user.roles)


def set_roles(
    session: DbSession,
    user: User,
    roles: list[str],
    locales: list[str] | None = None,
    *,
    actor: User | None = None,
) -> None:
    """Replace a user's roles (audited with before and after); they apply from the next request."""
    errors = _role_problems(roles, locales)
    if errors:
        raise ValidationError(errors)
    before = _role_summary(user)
    user.roles = _role_rows(roles, locales)
    session.flush()
    audit.record(
        session, actor, "user.roles", "user", user.id, before=before, after=_role_summary(user)
    )


def authenticate(
    session: DbSession, email: str, password: str, *, address: str = ""
) -> User | None:
    """The active user with this email and password, or None (same answer for every fault).

    Every attempt costs one argon2 verification, known address or not, and is audited; a
    legacy hash is replaced by argon2id on success.
    """
    if not storable(email) or not storable(password) or len(email) > MAX_EMAIL:
        passwords.verify(None, "")
        audit.record(session, None, "auth.login_failed", "user", 0, address=address)
        return None
    email = normalise_email(email)
    user = session.scalar(select(User).where(User.email == email))
    verdict = passwords.verify(user.password_hash if user else None, password)
    if user is None or not verdict.ok or not user.active:
        audit.record(
            session,
            None,
            "auth.login_failed",
            "user",
            user.id if user else 0,
            email=email,
            address=address,
        )
        return None
    if verdict.new_hash:
        user.password_hash = verdict.new_hash
    audit.record(session, user, "auth.login", "user", user.id, address=address)
    return user


def change_password(
    session: DbSession, user: User, current: str, new: str, *, keep_session: str | None = None
) -> None:
    """Set a new password after checking the current one; ends the user's other sessions."""
    if not passwords.verify(user.password_hash, current).ok:
        raise ValidationError({"current_password": str(_l("This is not your current password."))})
    set_password(session, user, new, actor=user, keep_session=keep_session)


def set_password(
    session: DbSession,
    user: User,
    new: str,
    *,
    actor: User | None = None,
    keep_session: str | None = None,
) -> None:
    """Replace a password (profile page or `flask users set-password`); sessions and tokens end.

    A password is changed because it may have leaked; a token issued by whoever held it would
    outlive the change, so every token goes too (each revocation is audited).
    """
    weak = passwords.problem(new, user_inputs=(user.email, user.name))
    if weak:
        raise ValidationError({"new_password": weak})
    user.password_hash = passwords.hash_password(new)
    ended = sessions.end_all(session, user, keep=keep_session)
    revoked = revoke_token(session, user, actor=actor)
    audit.record(
        session,
        actor,
        "user.password_change",
        "user",
        user.id,
        sessions_ended=ended,
        tokens_revoked=revoked,
    )


def set_active(session: DbSession, user: User, active: bool, *, actor: User | None) -> None:
    """Disable (or enable again) an account: a disabled user's sessions and tokens stop at once.

    Nobody disables their own account from the app: the last administrator could lock everyone
    out (an operator can still use `flask users disable`).
    """
    if actor is not None and actor.id == user.id and not active:
        raise ValidationError({"user": str(_l("You cannot disable your own account."))})
    before = user.active
    user.active = active
    if not active:
        sessions.end_all(session, user)
    audit.record(
        session,
        actor,
        "user.enable" if active else "user.disable",
        "user",
        user.id,
        before={"active": before},
        after={"active": active},
    )


def find_user(session: DbSession, email: str) -> User:
    if not storable(email):
        raise NotFound(str(_l("No user with that email.")))
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(str(_l("No user with that email.")))
    return user


def issue_token(
    session: DbSession,
    user: User,
    *,
    name: str = "",
    scopes: list[str] | None = None,
    days: int | None = 90,
    actor: User | None = None,
) -> str:
    """A new random bearer token; only its hash is kept, so it is shown once.

    `scopes` defaults to every scope the owner's roles hold, and may name no other; `days`
    None means the token never expires. `actor` is who issues it: the owner on the profile
    page, None at a shell (the audit entry then names the operator, not the owner).
    """
    errors = {}
    name = name.strip()
    if len(name) > MAX_TOKEN_NAME or not storable(name):
        errors["name"] = str(_l("Use at most %(n)d ordinary characters.", n=MAX_TOKEN_NAME))
    elif name and session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.name == name)
    ):
        errors["name"] = str(_l("You already have a token with this name."))
    held = scopes_held(user)
    chosen = list(dict.fromkeys(scopes)) if scopes else held
    if any(scope not in TOKEN_SCOPES for scope in chosen):
        errors["scopes"] = str(_l("Scopes are read, write, review or publish."))
    elif beyond := [scope for scope in chosen if scope not in held]:
        errors["scopes"] = str(
            _l(
                "This account's roles do not allow the %(scopes)s scope.",
                scopes=", ".join(beyond),
            )
        )
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = str(_l("Choose between 1 and %(n)d days.", n=MAX_TOKEN_DAYS))
    if errors:
        raise ValidationError(errors)
    token = "kk_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=sessions.digest(token),
        name=name or f"token-{secrets.token_hex(3)}",
        scopes=" ".join(scope for scope in TOKEN_SCOPES if scope in chosen),
        expires_at=utcnow() + timedelta(days=days) if days is not None else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "token.issue",
        "user",
        user.id,
        name=row.name,
        scopes=row.scopes,
        expires_at=row.expires_at.isoformat() if row.expires_at else None,
    )
    return token


def token_for(session: DbSession, token: str) -> ApiToken | None:
    """The live token row for this bearer value: known, unexpired, its owner active.

    Its last use is recorded (at most once a minute, left for the caller to commit at once, so
    read-only calls keep it too: `accounts.api`).
    """
    if not storable(token) or len(token) > 200:
        return None
    row = session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == sessions.digest(token))
    )
    now = utcnow()
    if row is None or not row.user.active or (row.expires_at and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_EVERY:
        row.last_used_at = now
    return row


def list_tokens(session: DbSession, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
        )
    )


def revoke_token(
    session: DbSession,
    user: User,
    *,
    name: str | None = None,
    token_id: int | None = None,
    actor: User | None = None,
) -> int:
    """Revoke one token (by name or id) or, with neither, all of the user's tokens.

    `actor` is who revokes: the owner on the profile page, None at a shell.
    """
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    if name is not None:
        query = query.where(ApiToken.name == name)
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    rows = list(session.scalars(query))
    if (name is not None or token_id is not None) and not rows:
        raise NotFound(str(_l("No such token.")))
    for row in rows:
        audit.record(session, actor, "token.revoke", "user", user.id, name=row.name)
    if rows:
        session.execute(delete(ApiToken).where(ApiToken.id.in_([row.id for row in rows])))
    return len(rows)


def exists(session: DbSession, email: str) -> bool:
    return id_for_email(session, email) is not None


def set_ui_locale(session: DbSession, user: User, locale: str | None) -> None:
    """The staff pages' language for this person (None: follow the browser)."""
    if locale is not None and locale not in LOCALES:
        raise ValidationError({"ui_locale": locales_message()})
    user.ui_locale = locale


def set_time_zone(session: DbSession, user: User, zone: str) -> None:
    """The zone this person's staff pages show times in (an IANA name: Asia/Tokyo); a
    preference like the language, so not audited."""
    if not is_zone(zone):
        raise ValidationError(
            {"time_zone": str(_l("Choose a time zone from the list, such as Asia/Tokyo."))}
        )
    user.time_zone = zone


def adopt_browser_time_zone(user: User, zone: str | None) -> bool:
    """Give a person with no zone yet the one their browser reports at sign-in; a zone already
    set (chosen, or adopted before) is theirs and no browser replaces it. A name zoneinfo does
    not know is ignored: the sign-in must not fail over a hint."""
    if user.time_zone is not None or not is_zone(zone):
        return False
    user.time_zone = zone
    return True


def list_users(session: DbSession) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def get_user(session: DbSession, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(str(_l("No such user.")))
    return user


def id_for_email(session: DbSession, email: str) -> int | None:
    if not storable(email):
        return None
    return session.scalar(select(User.id).where(User.email == normalise_email(email)))


def count_users(session: DbSession) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def emails_for(session: DbSession, user_ids: set[int]) -> dict[int, str]:
    """Who is who, in one query (history and audit lists)."""
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all())
