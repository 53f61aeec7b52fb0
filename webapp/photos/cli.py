"""`flask photos prune`: delete photo files no photo row names (a crash between writing the files
and committing the row, or between deleting the row and its files, leaves them behind)."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.extensions import db
from webapp.photos import storage
from webapp.photos.models import Photo

photos_cli = AppGroup("photos", help="Stored photo files.")


@photos_cli.command("prune")
@click.option(
    "--older-than-minutes",
    type=click.IntRange(1, 60 * 24 * 365),
    default=60,
    show_default=True,
    help="Only files last changed this long ago (an upload in progress is younger).",
)
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def prune(older_than_minutes: int, dry_run: bool) -> None:
    """Delete stored files that no photo names, and half-written temporary files."""
    known = {
        name
        for name in db.session.scalars(select(Photo.storage).where(Photo.storage.is_not(None)))
        if name is not None
    }
    cutoff = time.time() - older_than_minutes * 60
    found = storage.leftovers(current_app.config["PHOTOS_DIR"], known, cutoff)
    size = sum(path.stat().st_size for path in found)
    for path in found:
        click.echo(path.name)
        if not dry_run:
            path.unlink(missing_ok=True)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {len(found)} files ({size / 1_000_000:.1f} MB) that no photo names.")


def init_app(app: Flask) -> None:
    app.cli.add_command(photos_cli)
