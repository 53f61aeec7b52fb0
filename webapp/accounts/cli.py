"""`flask users ...`: staff accounts and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.accounts import services as users
from webapp.accounts.models import Role, User
from webapp.core.cli import committed, fail
from webapp.core.errors import DomainError
from webapp.core.permissions import TOKEN_SCOPES
from webapp.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

users_cli = AppGroup("users", help="Manage staff accounts.")


def role_options(command: F) -> F:
    """--role (one or more) and --locale (for translators), as `create` and `roles` take them."""
    command = click.option(
        "--locale",
        "locales",
        multiple=True,
        metavar="LOCALE",
        help="Locales a translator works into (default: all); one of LOCALES.",
    )(command)
    return click.option(
        "--role",
        "roles",
        multiple=True,
        required=True,
        type=click.Choice([role.value for role in Role]),
    )(command)


@users_cli.command("create")
@click.argument("email")
@role_options
@click.option("--password", required=True)
@click.option("--name", default="")
def create_user(
    email: str, roles: tuple[str, ...], locales: tuple[str, ...], password: str, name: str
) -> None:
    """Create a staff account."""
    with committed():
        user = users.create_user(db.session, email, password, list(roles), list(locales), name)
    click.echo(f"Created {user.email} ({', '.join(user.role_names)}).")


@users_cli.command("roles")
@click.argument("email")
@role_options
def set_roles(email: str, roles: tuple[str, ...], locales: tuple[str, ...]) -> None:
    """Replace EMAIL's roles (audited); they apply from the user's next request."""
    user = _user_or_fail(email)
    with committed():
        users.set_roles(db.session, user, list(roles), list(locales))
    click.echo(f"{user.email} now has: {', '.join(user.role_names)}.")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="", help="What uses the token (default: a random name).")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(list(TOKEN_SCOPES)),
    help="What the token may do (repeat; default: every scope the user's roles allow).",
)
@click.option(
    "--days",
    type=click.IntRange(0, users.MAX_TOKEN_DAYS),
    default=90,
    show_default=True,
    help="Days until it expires (0: never).",
)
def create_token(email: str, name: str, scopes: tuple[str, ...], days: int) -> None:
    """Print a new API token for EMAIL (shown once; only its hash is stored)."""
    user = _user_or_fail(email)
    with committed():
        token = users.issue_token(
            db.session, user, name=name, scopes=list(scopes) or None, days=days or None
        )
    click.echo(token)


@users_cli.command("tokens")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List EMAIL's API tokens: name, scopes, expiry, last use (never the token itself)."""
    user = _user_or_fail(email)
    rows = users.list_tokens(db.session, user)
    if not rows:
        click.echo(f"{user.email} has no API tokens.")
    for row in rows:
        expires = row.expires_at.isoformat(timespec="minutes") if row.expires_at else "never"
        used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "never"
        click.echo(f"{row.name}\t{row.scopes}\texpires {expires}\tlast used {used}")


@users_cli.command("revoke-token")
@click.argument("email")
@click.option("--name", default=None, help="The token to revoke (default: all of them).")
def revoke_token(email: str, name: str | None) -> None:
    """Revoke one of EMAIL's API tokens, or all of them."""
    user = _user_or_fail(email)
    with committed():
        count = users.revoke_token(db.session, user, name=name)
    click.echo(f"Revoked {count} token(s) of {user.email}.")


@users_cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable EMAIL: sessions and tokens stop at once; nothing is deleted."""
    _set_active(email, False)


@users_cli.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Enable EMAIL again (they sign in anew; old sessions stay ended)."""
    _set_active(email, True)


def _set_active(email: str, active: bool) -> None:
    user = _user_or_fail(email)
    with committed():
        users.set_active(db.session, user, active, actor=None)
    click.echo(f"{'Enabled' if active else 'Disabled'} {user.email}.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="The new password (asked twice when not given).")
def set_password(email: str, password: str) -> None:
    """Set EMAIL's password (after an import, or when they forgot it); sessions and tokens end."""
    user = _user_or_fail(email)
    with committed():
        users.set_password(db.session, user, password)
    click.echo(
        f"Password set for {user.email}; their sessions are signed out and their API tokens "
        "revoked."
    )


def _user_or_fail(email: str) -> User:
    try:
        return users.find_user(db.session, email)
    except DomainError as exc:
        fail(exc.message, 2)


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
