"""`flask static build`: write every reader page into STATIC_SITE_DIR (at start-up, after a
deploy); `--if-changed` only when the templates, catalogs or assets differ from the last build."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.core.cli import fail
from webapp.extensions import db
from webapp.staticsite import build, writer

static_cli = AppGroup("static", help="Reader pages published as files for nginx.")


@static_cli.command("build")
@click.option("--if-changed", is_flag=True, help="Only if templates or catalogs changed.")
def build_site(if_changed: bool) -> None:
    """Write every reader page (and its .gz/.br siblings) and remove files no page needs."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    site = build.site_dir(app)
    if site is None:
        fail("STATIC_SITE_DIR is not set: there is no static site to build.", 2)
    if if_changed and build.stored_fingerprint(site) == build.current_fingerprint(app):
        click.echo(f"{site}: up to date.")
        return
    with writer.locked(site):
        report = build.build_all(app, db.session, site)
    db.session.rollback()
    click.echo(
        f"{site}: {report.written} pages written, {report.unchanged} unchanged, "
        f"{report.removed} removed, {report.photos} photo files changed."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(static_cli)
