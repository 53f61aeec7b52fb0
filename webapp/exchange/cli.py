"""`flask exchange export-xliff` and `import-xliff`: XLIFF from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.accounts import services as users
from webapp.core.cli import committed, explain, fail
from webapp.core.errors import DomainError
from webapp.exchange import services as exchange
from webapp.exchange import xliff
from webapp.extensions import db
from webapp.translation import workflow as translation

exchange_cli = AppGroup("exchange", help="XLIFF out and back for a translation.")


def _user(email: str):  # type: ignore[no-untyped-def]
    try:
        return users.find_user(db.session, email)
    except DomainError as exc:
        fail(explain(exc), 2)


@exchange_cli.command("export-xliff")
@click.argument("translation_id", type=int)
@click.option("--version", "version", type=click.Choice(xliff.VERSIONS), default="2.1")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--as", "email", default=None, help="Export as this user (default: an operator).")
@click.option(
    "--fill-source",
    is_flag=True,
    help="Copy the source into empty targets, marked not translated (for OmegaT).",
)
def export_xliff(
    translation_id: int,
    version: str,
    output: Path | None,
    email: str | None,
    fill_source: bool,
) -> None:
    """Write a translation as XLIFF to FILE (or standard output)."""
    try:
        tr = translation.get_translation(db.session, translation_id)
        body = exchange.export_xliff(
            db.session,
            tr,
            _user(email) if email else None,
            version,
            fill_source=fill_source,
        )
    except DomainError as exc:
        fail(explain(exc), 2)
    if output is None:
        sys.stdout.buffer.write(body)
    else:
        output.write_bytes(body)
        click.echo(f"Wrote {output} (XLIFF {version}, {len(tr.segments)} units).")


@exchange_cli.command("import-xliff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="The translator the changes are saved as.")
@click.option("--reason", default=None, help="Why approving over quality warnings is right.")
def import_xliff(file: Path, email: str, reason: str | None) -> None:
    """Import a CAT tool's XLIFF file; exits 1 when a unit was refused, 2 when the file was."""
    user = _user(email)
    data = file.read_bytes()[: exchange.MAX_BYTES + 1]
    with committed():
        tr, doc = exchange.read_file(db.session, data)
        report = exchange.import_xliff(
            db.session,
            tr,
            data,
            user,
            reason=reason,
            second_approver=current_app.config["REQUIRE_SECOND_APPROVER"],
            doc=doc,
        )
    for u in report.units:
        click.echo(f"{u.outcome:9} {u.key:24} {u.message}".rstrip())
    click.echo(
        f"Saved {report.count('saved')}, approved {report.count('approved')}, "
        f"unchanged {report.count('unchanged')}, refused {report.refused}."
    )
    if report.refused:
        sys.exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(exchange_cli)
