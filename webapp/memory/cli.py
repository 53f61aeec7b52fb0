"""`flask memory import FILE [--approved] [--pair en-ja]` and `flask memory export -o FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.core.cli import committed, fail
from webapp.core.errors import ValidationError
from webapp.extensions import db
from webapp.memory import importing
from webapp.memory import services as memory
from webapp.memory.importing import Report

memory_cli = AppGroup("memory", help="Translation memory: TMX and CSV/TSV in, TMX out.")


def _summary(report: Report) -> str:
    return (
        f"{report.units} units read: {report.imported} entries imported, "
        f"{report.duplicates} duplicates, {report.skipped_language} skipped (language not on "
        f"this desk), {report.skipped_incomplete} skipped (a side missing), "
        f"{report.skipped_invalid} skipped (unusable text)."
    )


@memory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--approved", is_flag=True, help="Mark the entries approved (trusted memory only).")
@click.option("--pair", help="Import only this direction, e.g. en-ja (source-target).")
def import_command(path: Path, approved: bool, pair: str | None) -> None:
    """Import a TMX 1.4b file, or an aligned CSV/TSV one (header row: the languages)."""

    def progress(report: Report) -> None:
        click.echo(f"... {report.units} units read, {report.imported} imported", err=True)

    with committed(), path.open("rb") as stream:
        report = importing.import_file(
            db.session,
            stream,
            path.name,
            user=None,
            approved=approved,
            pair=pair,
            progress=progress,
        )
    click.echo(_summary(report))
    for name, count in sorted(report.pairs.items()):
        click.echo(f"  {name}: {count}")


@memory_cli.command("export")
@click.option("--pair", help="Only this direction, e.g. en-ja.")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path))
def export_command(pair: str | None, output: Path) -> None:
    """Write the memory (or one pair) as TMX 1.4b."""
    try:
        chosen = importing.parse_pair(pair)
    except ValidationError as exc:
        fail("; ".join(exc.fields.values()), 2)
    count = 0
    with output.open("w", encoding="utf-8") as out:
        for piece in memory.export_tmx(db.session, chosen):
            out.write(piece)
            count += 1
    click.echo(f"Wrote {max(count - 2, 0)} units to {output}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(memory_cli)
