"""`flask export FILE` and `flask import FILE`: the whole database as a versioned zip archive."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.backup import services as backup
from webapp.core.cli import as_operator, fail
from webapp.extensions import db
from webapp.photos import storage


@click.command("export")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_command(file: Path) -> None:
    """Write everything except secrets to FILE (a zip archive; replaced if it exists)."""
    try:
        manifest = backup.export_to_file(
            db.session, file, photos_dir=current_app.config["PHOTOS_DIR"]
        )
    except backup.BackupError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"cannot write {file}: {exc.strerror or exc}")
    finally:
        db.session.rollback()  # end the read snapshot
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    size = sum(entry["size"] for entry in manifest["files"])
    click.echo(
        f"Exported {rows} rows from {len(manifest['tables'])} tables and "
        f"{len(manifest['files'])} photo files ({size / 1_000_000:.1f} MB) to {file}."
    )
    if missing := manifest["missing_files"]:
        click.echo(
            f"Warning: {len(missing)} photo file(s) not found in "
            f"{current_app.config['PHOTOS_DIR']}, so not in the backup "
            f"(their photos will answer 404 after a restore): {', '.join(missing)}",
            err=True,
        )
    if manifest["skipped_tables"]:
        skipped = ", ".join(manifest["skipped_tables"])
        click.echo(f"Not exported (secrets or live state): {skipped}.")
    if manifest["redacted_columns"]:
        click.echo(f"Removed: {', '.join(manifest['redacted_columns'])}.")


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Restore FILE, written by `flask export`, into an empty database (all or nothing)."""
    try:
        with as_operator():
            restored = backup.import_database(
                db.session, file, photos_dir=current_app.config["PHOTOS_DIR"]
            )
    except backup.BackupError as exc:
        db.session.rollback()
        fail(f"nothing imported: {exc}", 2)
    except OSError as exc:
        db.session.rollback()
        fail(f"nothing imported: cannot read {file}: {exc.strerror or exc}", 2)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.remove_paths(restored.files)  # all or nothing: no files for rows never kept
        raise
    counts = restored.rows
    click.echo(
        f"Imported {sum(counts.values())} rows into {len(counts)} tables and "
        f"{len(restored.files)} photo files from {file}."
    )
    if restored.missing_files:
        click.echo(
            f"Warning: {len(restored.missing_files)} photo file(s) were missing when the backup "
            f"was written (their photos answer 404 until uploaded again): "
            f"{', '.join(restored.missing_files)}",
            err=True,
        )
    click.echo(
        "Passwords and API tokens are never in a backup: give each user a new password with "
        "`flask users set-password EMAIL` and issue new tokens with `flask users token EMAIL`."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
