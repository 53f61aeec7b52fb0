"""`flask mt ...`: install and list offline machine-translation models."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.core.cli import fail

mt_cli = AppGroup("mt", help="Install and list offline machine-translation models.")


@mt_cli.command("install")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def mt_install(archive: Path):
    """Install an Argos .argosmodel file from disk (no network)."""
    from webapp.mt.packages import PackageError, install_package

    if not archive.exists():
        fail(f"{archive}: no such file.", 2)
    try:
        pkg = install_package(archive, Path(current_app.config["ARGOS_PACKAGES_DIR"]))
    except PackageError as exc:
        fail(str(exc), 2)
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


def init_app(app) -> None:
    app.cli.add_command(mt_cli)
