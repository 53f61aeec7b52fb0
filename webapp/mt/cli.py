"""`flask mt ...`: install, list and verify offline machine-translation models."""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.core.cli import committed, fail
from webapp.core.events import emit
from webapp.mt.events import ModelInstalled

mt_cli = AppGroup("mt", help="Install, list and verify offline machine-translation models.")


def _pair(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    """Parse `en-ja` (or `en:ja`, `en_ja`) into its two codes, from and to."""
    if value is None:
        return None
    parts = re.split(r"[:>]", value) if re.search(r"[:>]", value) else re.split(r"[-_]", value)
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter(f"{value!r}: give the pair as FROM-TO, e.g. en-ja.")
    return parts[0], parts[1]


@mt_cli.command("install")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--pair",
    "expected_pair",
    callback=_pair,
    metavar="FROM-TO",
    help="Refuse the package unless it translates this pair: en-ja (en:ja if a code has a -).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds the test translation of the new model may take (default 120).",
)
def mt_install(archive: Path, expected_pair: tuple[str, str] | None, timeout: float | None) -> None:
    """Install an Argos .argosmodel file from disk (no network), once it has proved it works.

    It goes into a folder named by the pair and version in its metadata.json, beside the
    pair's previous version (kept for rollback); older versions than that are removed.
    """
    from webapp.audit import services as audit
    from webapp.extensions import db
    from webapp.mt.packages import (
        VERIFY_TIMEOUT_SECONDS,
        ArchiveLimits,
        PackageError,
        install_package,
    )

    if not archive.exists():
        fail(f"{archive}: no such file.", 2)
    try:
        pkg = install_package(
            archive,
            Path(current_app.config["ARGOS_PACKAGES_DIR"]),
            expected_pair=expected_pair,
            verify_timeout=timeout or VERIFY_TIMEOUT_SECONDS,
            limits=ArchiveLimits(
                max_unpacked_bytes=current_app.config["MT_PACKAGE_MAX_MB"] * 1024**2,
                max_ratio=current_app.config["MT_PACKAGE_MAX_RATIO"],
            ),
        )
    except PackageError as exc:
        fail(f"{exc} Nothing was changed.", 2)
    with committed():
        audit.record(
            db.session,
            None,
            "mt.install",
            "model",
            0,
            from_code=pkg.from_code,
            to_code=pkg.to_code,
            version=pkg.version,
            name=pkg.name,
            archive_sha256=pkg.sha256,
        )
        emit(
            db.session,
            ModelInstalled(pkg.name, pkg.from_code, pkg.to_code, pkg.version, pkg.sha256),
        )
    click.echo(
        f"Installed {pkg.from_code} → {pkg.to_code} ({pkg.name} {pkg.version}, "
        f"sha256 {pkg.sha256})."
    )


@mt_cli.command("list")
@click.option("--full", is_flag=True, help="Show whole sha256 sums, not their first 12 digits.")
def mt_list(full: bool) -> None:
    """List installed models with the sha256 of the archive each came from, and which one of
    each pair is in use (the others are kept for rollback)."""
    from webapp.mt.packages import in_use, list_packages

    packages = list_packages(Path(current_app.config["ARGOS_PACKAGES_DIR"]))
    if not packages:
        click.echo(f"No models installed in {current_app.config['ARGOS_PACKAGES_DIR']}.")
    used = in_use(packages).values()
    for pkg in packages:
        digest = pkg.sha256 if full or not pkg.sha256 else pkg.sha256[:12]
        click.echo(
            f"{pkg.from_code} → {pkg.to_code}\t{pkg.name}\t{pkg.version}\t"
            f"sha256:{digest or 'unrecorded'}\t{pkg.path}\t"
            + ("in use" if pkg in used else "kept for rollback")
        )


@mt_cli.command("verify")
def mt_verify() -> None:
    """Check every installed model's files against the sha256 sums recorded at install."""
    from webapp.mt.packages import check_installed

    report = check_installed(Path(current_app.config["ARGOS_PACKAGES_DIR"]))
    if not report:
        click.echo(f"No models installed in {current_app.config['ARGOS_PACKAGES_DIR']}.")
    for path, problem in report:
        click.echo(f"ok\t{path.name}" if problem is None else f"FAILED\t{problem}")
    if any(problem for _path, problem in report):
        fail("some installed models differ from what was installed.", 1)


def init_app(app: Flask) -> None:
    app.cli.add_command(mt_cli)
