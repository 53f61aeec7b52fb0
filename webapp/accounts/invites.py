"""Invitations: an admin creates an account without a password and a one-time link with which
the person chooses one (issue 21, item 11).

The link is `HMAC(SECRET_KEY, nonce)`; the database keeps the nonce and the link's SHA-256, so a
copy of the database alone opens no account, and the mail job (run later, by a worker) derives
the same link again instead of carrying it in its payload. A link expires after
`INVITE_HOURS`, works once, and a newer invite for the same person voids it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from webapp.accounts import passwords, sessions
from webapp.accounts import services as users
from webapp.accounts.events import UserInvited
from webapp.accounts.models import Invite, User
from webapp.audit import services as audit
from webapp.core.db import DbSession, rowcount, utcnow
from webapp.core.errors import DomainError, ValidationError
from webapp.core.events import emit
from webapp.core.locales import LOCALES
from webapp.core.schemas import storable

INVITE_HOURS = 72
TOKEN_PREFIX = "ki_"


class LinkGone(DomainError):
    """The link was used, replaced or has expired: 410, with what to do."""

    status = 410


class LinkUnknown(DomainError):
    status = 404


@dataclass(frozen=True)
class Issued:
    user: User
    invite: Invite
    token: str  # shown once to the admin; never stored


def token_for(secret: str, nonce: str) -> str:
    """The link's secret part for this nonce (the same in the web process and the worker)."""
    mac = hmac.new(secret.encode(), b"invite:" + nonce.encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def invite_user(
    session: DbSession,
    secret: str,
    email: str,
    roles: list[str],
    locales: list[str] | None = None,
    *,
    name: str = "",
    ui_locale: str | None = None,
    actor: User | None = None,
) -> Issued:
    """Create an account with no usable password, and its invitation."""
    problems: dict[str, str] = {}
    if ui_locale is not None and ui_locale not in LOCALES:
        problems["ui_locale"] = users.locales_message()
    user = users.create_user(
        session, email, None, roles, locales, name, actor=actor, more_errors=problems
    )
    user.ui_locale = ui_locale
    return _issue(session, secret, user, actor)


def reinvite(session: DbSession, secret: str, user: User, *, actor: User | None) -> Issued:
    """A fresh link for someone who has not chosen a password yet; the older link stops."""
    if user.password_hash != passwords.UNUSABLE:
        raise ValidationError(
            {"user": str(_l("%(email)s has chosen a password already.", email=user.email))}
        )
    return _issue(session, secret, user, actor)


def _issue(session: DbSession, secret: str, user: User, actor: User | None) -> Issued:
    now = utcnow()
    voided = rowcount(
        session.execute(
            update(Invite)
            .where(Invite.user_id == user.id, Invite.used_at.is_(None), Invite.voided_at.is_(None))
            .values(voided_at=now)
        )
    )
    nonce = secrets.token_urlsafe(32)
    token = token_for(secret, nonce)
    invite = Invite(
        user_id=user.id,
        token_hash=sessions.digest(token),
        nonce=nonce,
        created_by_id=actor.id if actor else None,
        created_at=now,
        expires_at=now + timedelta(hours=INVITE_HOURS),
    )
    session.add(invite)
    session.flush()
    audit.record(
        session,
        actor,
        "user.invite",
        "user",
        user.id,
        expires_at=invite.expires_at.isoformat(),
        voided=voided,
    )
    emit(session, UserInvited(user.id, invite.id, actor.id if actor else None))
    return Issued(user, invite, token)


def find(session: DbSession, token: str, *, now: datetime | None = None) -> Invite:
    """The live invite this link names; LinkUnknown or LinkGone (saying why) otherwise."""
    if not storable(token) or len(token) > 100:
        raise LinkUnknown(str(_l("This link is not valid. Ask an administrator for a new one.")))
    invite = session.scalar(select(Invite).where(Invite.token_hash == sessions.digest(token)))
    if invite is None:
        raise LinkUnknown(str(_l("This link is not valid. Ask an administrator for a new one.")))
    if invite.used_at is not None:
        raise LinkGone(
            str(_l("This link has been used already. Sign in with the password you chose."))
        )
    if invite.voided_at is not None:
        raise LinkGone(
            str(_l("A newer invitation replaced this link. Use the newest one you received."))
        )
    if invite.expires_at <= (now or utcnow()):
        raise LinkGone(str(_l("This link has expired. Ask an administrator for a new one.")))
    if not invite.user.active:
        raise LinkGone(str(_l("This account is disabled.")))
    return invite


def accept(session: DbSession, token: str, password: str) -> User:
    """Set the first password through the link, which then stops working."""
    invite = find(session, token)
    user = invite.user
    weak = passwords.problem(password, user_inputs=(user.email, user.name))
    if weak:
        raise ValidationError({"new_password": weak})
    user.password_hash = passwords.hash_password(password)
    invite.used_at = utcnow()
    audit.record(session, user, "user.invite_accepted", "user", user.id, invite=invite.id)
    return user


def pending(session: DbSession) -> dict[int, Invite]:
    """User id -> their live invite (users page: "invited, link until ..."), one query."""
    rows = session.scalars(
        select(Invite).where(
            Invite.used_at.is_(None), Invite.voided_at.is_(None), Invite.expires_at > utcnow()
        )
    )
    return {row.user_id: row for row in rows}


def link_for_mail(session: DbSession, secret: str, invite_id: int) -> Invite | None:
    """The invite a mail job names, if its link still works and derives from this key."""
    invite = session.get(Invite, invite_id)
    if invite is None or invite.used_at or invite.voided_at or invite.expires_at <= utcnow():
        return None
    if not hmac.compare_digest(sessions.digest(token_for(secret, invite.nonce)), invite.token_hash):
        return None  # SECRET_KEY changed since: this link cannot be rebuilt; invite again
    return invite


def emails_for_invites(session: DbSession, invite_ids: list[int]) -> dict[int, str]:
    """Invite id -> the invitee's address (the jobs page), one query."""
    if not invite_ids:
        return {}
    rows = session.execute(
        select(Invite.id, User.email)
        .join(User, User.id == Invite.user_id)
        .where(Invite.id.in_(set(invite_ids)))
    )
    return {invite_id: email for invite_id, email in rows}
