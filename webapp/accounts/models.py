"""Staff accounts, their roles and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.db import UTCDateTime, str_enum, utcnow
from webapp.extensions import Model


class Role(enum.StrEnum):
    LIAISON = "liaison"
    TRANSLATOR = "translator"
    ADMIN = "admin"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The staff pages' language, chosen in the profile; None follows the browser and the site.
    ui_locale: Mapped[str | None] = mapped_column(String(8))
    # An IANA zone (Asia/Tokyo) for times on the staff pages; None until the first sign-in
    # brings the browser's, and shown as UTC meanwhile. Times are stored in UTC regardless.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def role_names(self) -> list[str]:
        return sorted({str(r.role) for r in self.roles})


class UserRole(Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    locale: Mapped[str | None] = mapped_column(String(8))

    user: Mapped[User] = relationship(back_populates="roles")


class ApiToken(Model):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token.

    `scopes` narrows what the token may do below its owner's roles (read, write, review,
    publish); a token past `expires_at` is refused like an unknown one.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    scopes: Mapped[str] = mapped_column(String(100), default="read write review publish")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class UserSession(Model):
    """A signed-in browser: the cookie carries a random key whose SHA-256 is stored here.

    Deleting the row ends that session at once (sign-out, sign out everywhere, a password change,
    a disabled account), which a signed cookie alone cannot do.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()


class SignInFailures(Model):
    """Failed sign-ins counted per account and per address, in the database so that every web
    process and machine shares one count (a per-process count multiplies the allowance)."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(320), primary_key=True)  # "account:…" or "address:…"
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invite(Model):
    """A one-time link that lets an invited person choose their first password.

    Only the link's SHA-256 is stored, so a database copy opens no account. The link itself is
    HMAC(SECRET_KEY, nonce): the mail job, which runs later in a worker, derives it again from
    the nonce rather than carrying it in its payload. It expires, works once, and a newer
    invite for the same person voids it.
    """

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
