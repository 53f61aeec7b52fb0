"""`flask users ...`: staff accounts and API tokens."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.accounts import services as users
from webapp.core.cli import fail
from webapp.core.errors import DomainError
from webapp.core.locales import LOCALES
from webapp.extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["liaison", "translator", "admin"]),
)
@click.option(
    "--locale",
    "locales",
    multiple=True,
    type=click.Choice(LOCALES),
    help="Locales a translator works into (default: all).",
)
@click.option("--password", required=True)
@click.option("--name", default="")
def create_user(email, roles, locales, password, name):
    """Create a staff account."""
    try:
        user = users.create_user(db.session, email, password, list(roles), list(locales), name)
    except DomainError as exc:
        db.session.rollback()
        fields = getattr(exc, "fields", {})
        fail("; ".join(f"{k}: {v}" for k, v in fields.items()) or exc.message, 2)
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(user.role_names)}).")


@users_cli.command("token")
@click.argument("email")
def create_token(email):
    """Print a new API token for EMAIL (shown once; only its hash is stored)."""
    try:
        user = users.find_user(db.session, email)
    except DomainError as exc:
        fail(exc.message, 2)
    token = users.issue_token(db.session, user)
    db.session.commit()
    click.echo(token)


def init_app(app) -> None:
    app.cli.add_command(users_cli)
