"""Command-line interface: users, machine-translation models, the worker, demo data."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from webapp.extensions import db
from webapp.services import users
from webapp.services.errors import DomainError

users_cli = AppGroup("users", help="Manage staff accounts.")
mt_cli = AppGroup("mt", help="Install and list offline machine-translation models.")
demo_cli = AppGroup("demo", help="Demo data for a first look.")


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


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
    type=click.Choice(["en", "ja"]),
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
        _fail("; ".join(f"{k}: {v}" for k, v in fields.items()) or exc.message, 2)
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(user.role_names)}).")


@users_cli.command("token")
@click.argument("email")
def create_token(email):
    """Print a new API token for EMAIL (shown once; only its hash is stored)."""
    try:
        user = users.find_user(db.session, email)
    except DomainError as exc:
        _fail(exc.message, 2)
    token = users.issue_token(db.session, user)
    db.session.commit()
    click.echo(token)


@mt_cli.command("install")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def mt_install(archive: Path):
    """Install an Argos .argosmodel file from disk (no network)."""
    from webapp.mt.packages import PackageError, install_package

    if not archive.exists():
        _fail(f"{archive}: no such file.", 2)
    try:
        pkg = install_package(archive, Path(current_app.config["ARGOS_PACKAGES_DIR"]))
    except PackageError as exc:
        _fail(str(exc), 2)
    click.echo(f"Installed {pkg.from_code} → {pkg.to_code} ({pkg.name} {pkg.version}).")


@mt_cli.command("list")
def mt_list():
    """List installed models."""
    from webapp.mt.packages import list_packages

    packages = list_packages(Path(current_app.config["ARGOS_PACKAGES_DIR"]))
    if not packages:
        click.echo(f"No models installed in {current_app.config['ARGOS_PACKAGES_DIR']}.")
    for pkg in packages:
        click.echo(f"{pkg.from_code} → {pkg.to_code}\t{pkg.name}\t{pkg.version}\t{pkg.path}")


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Drain the queue, then exit.")
def worker(burst: bool):
    """Run queued jobs (machine translation)."""
    from webapp.worker import run_worker

    handled = run_worker(current_app._get_current_object(), burst=burst)
    if burst:
        click.echo(f"Handled {handled} job(s).")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def demo_load(if_empty: bool):
    """Load demo users and reviewed bilingual summaries."""
    from webapp.demo import DEMO_USERS, demo_logins, load_demo

    if if_empty and users.count_users(db.session):
        click.echo("Database already has data; demo not loaded.")
        if users.exists(db.session, DEMO_USERS[0][0]):
            click.echo("\n".join(demo_logins()))
        return
    for line in load_demo(db.session):
        click.echo(line)
    db.session.commit()


def init_app(app: Flask) -> None:
    for group in (users_cli, mt_cli, demo_cli, worker):
        app.cli.add_command(group)
