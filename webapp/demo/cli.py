"""`flask demo load`: demo users and reviewed bilingual summaries."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.accounts import services as users
from webapp.core.cli import committed
from webapp.extensions import db

demo_cli = AppGroup("demo", help="Demo data for a first look.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@click.option("--url", default=None, help="Where the app is served, for the sign-in link.")
def demo_load(if_empty: bool, url: str | None) -> None:
    """Load demo users and reviewed bilingual summaries."""
    from webapp.demo.services import DEFAULT_URL, DEMO_USERS, demo_logins, load_demo

    url = url or DEFAULT_URL

    if if_empty and users.count_users(db.session):
        click.echo("Database already has data; demo not loaded.")
        if users.exists(db.session, DEMO_USERS[0][0]):
            click.echo("\n".join(demo_logins(url)))
        return
    with committed():
        for line in load_demo(db.session, url):
            click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
