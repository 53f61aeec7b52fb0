"""Invitations in the JSON API (the same rules as the users page: `accounts.invites`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from webapp.core.schemas import InputModel, OutputModel


class InviteIn(InputModel):
    """A new account with no password yet, and its one-time link."""

    email: str = Field(max_length=254)
    roles: list[str] = Field(min_length=1, max_length=3)
    locales: list[str] | None = Field(default=None, max_length=20)
    name: str = Field(default="", max_length=200)
    ui_locale: str | None = Field(default=None, max_length=8)


class InviteOut(OutputModel):
    id: int
    email: str
    roles: list[str]
    invite_url: str  # shown once: only its hash is kept
    invite_expires_at: datetime
    mailed: bool  # True when MAIL_URL sends mail (the link then also goes by e-mail)


class AcceptIn(InputModel):
    token: str = Field(max_length=100)
    password: str = Field(max_length=1024)


class AcceptOut(OutputModel):
    id: int
    email: str
