"""Model installs and rollbacks as the CLI and the model page share them: the verified
install on disk, then its audit entry and `ModelInstalled` in the caller's transaction.

Nothing here commits (the CLI's `committed()` and the views' `unit_of_work()` do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask

from webapp.audit import services as audit
from webapp.audit.services import Actor
from webapp.core.db import DbSession
from webapp.core.events import emit
from webapp.mt.events import ModelInstalled
from webapp.mt.packages import (
    VERIFY_TIMEOUT_SECONDS,
    ArchiveLimits,
    InstalledPackage,
    held_packages,
    in_use,
    install_package,
    list_packages,
    rollback_pair,
    rollforward_pair,
)
from webapp.mt.records import read_install_record


def packages_dir(app: Flask) -> Path:
    """The folder this process's engine reads models from (ARGOS_PACKAGES_DIR)."""
    return Path(app.config["ARGOS_PACKAGES_DIR"])


def limits(app: Flask) -> ArchiveLimits:
    """The archive limits the app is configured with (MT_PACKAGE_MAX_MB, MT_PACKAGE_MAX_RATIO)."""
    return ArchiveLimits(
        max_unpacked_bytes=app.config["MT_PACKAGE_MAX_MB"] * 1024**2,
        max_ratio=app.config["MT_PACKAGE_MAX_RATIO"],
    )


def _announce(session: DbSession, pkg: InstalledPackage) -> None:
    """Tell other domains the pair has a (new) model: its failed translations retry."""
    emit(session, ModelInstalled(pkg.name, pkg.from_code, pkg.to_code, pkg.version, pkg.sha256))


def install(
    session: DbSession,
    app: Flask,
    actor: Actor | None,
    archive: Path,
    *,
    installed_by: str,
    origin: str,
    expected_pair: tuple[str, str] | None = None,
    verify_timeout: float = VERIFY_TIMEOUT_SECONDS,
) -> InstalledPackage:
    """Install an archive through the verified path, audited and announced.

    Raises PackageError (nothing on disk changed) when the package is refused.
    """
    pkg = install_package(
        archive,
        packages_dir(app),
        expected_pair=expected_pair,
        verify_timeout=verify_timeout,
        limits=limits(app),
        installed_by=installed_by,
        origin=origin,
    )
    audit.record(
        session,
        actor,
        "mt.install",
        "model",
        0,
        from_code=pkg.from_code,
        to_code=pkg.to_code,
        version=pkg.version,
        name=pkg.name,
        archive_sha256=pkg.sha256,
        origin=origin,
    )
    _announce(session, pkg)
    return pkg


def rollback(
    session: DbSession, app: Flask, actor: Actor | None, pair: tuple[str, str]
) -> tuple[InstalledPackage, InstalledPackage]:
    """Put the pair's kept previous version back in use; return (moved aside, restored). The
    version moved aside is kept to roll forward to.

    Raises PackageError (nothing changed) when there is nothing sound to roll back to.
    """
    removed, restored = rollback_pair(packages_dir(app), pair)
    audit.record(
        session,
        actor,
        "mt.rollback",
        "model",
        0,
        from_code=restored.from_code,
        to_code=restored.to_code,
        removed_version=removed.version,
        removed_sha256=removed.sha256,
        version=restored.version,
        name=restored.name,
        archive_sha256=restored.sha256,
    )
    _announce(session, restored)
    return removed, restored


def rollforward(
    session: DbSession, app: Flask, actor: Actor | None, pair: tuple[str, str]
) -> tuple[InstalledPackage, InstalledPackage | None]:
    """Put the version a rollback moved aside back in use; return (restored, now kept for
    rollback). Raises PackageError (nothing changed) when there is none sound to go back to."""
    restored, kept = rollforward_pair(packages_dir(app), pair)
    audit.record(
        session,
        actor,
        "mt.rollforward",
        "model",
        0,
        from_code=restored.from_code,
        to_code=restored.to_code,
        replaced_version=kept.version if kept else None,
        version=restored.version,
        name=restored.name,
        archive_sha256=restored.sha256,
    )
    _announce(session, restored)
    return restored, kept


@dataclass(frozen=True)
class ModelRow:
    """One installed package as the model page shows it."""

    package: InstalledPackage
    in_use: bool
    held: bool  # rolled back, kept to roll forward to
    size_bytes: int
    installed_by: str | None
    installed_at: datetime | None
    origin: str | None
    sample: str | None


def _folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _installed_at(record: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(str(record.get("installed_at")))
    except ValueError:
        return None


def installed(app: Flask) -> dict[tuple[str, str], list[ModelRow]]:
    """The packages of this host by pair, newest first: one rolled back (kept to roll forward
    to), the one in use, the one kept for rollback; size is the archive's when recorded, else
    the folder's."""
    packages = list_packages(packages_dir(app))
    used = set(in_use(packages).values())
    held = held_packages(packages_dir(app))
    pairs: dict[tuple[str, str], list[ModelRow]] = {}
    for pkg in [*reversed(held), *reversed(packages)]:  # newest first within each pair
        record = read_install_record(pkg.path) or {}
        size = record.get("archive_bytes")

        def text(key: str, record: dict = record) -> str | None:
            value = record.get(key)
            return value if isinstance(value, str) and value else None

        pairs.setdefault((pkg.from_code, pkg.to_code), []).append(
            ModelRow(
                package=pkg,
                in_use=pkg in used,
                held=pkg in held,
                size_bytes=size if isinstance(size, int) else _folder_bytes(pkg.path),
                installed_by=text("installed_by"),
                installed_at=_installed_at(record),
                origin=text("origin"),
                sample=text("sample"),
            )
        )
    return dict(sorted(pairs.items()))
