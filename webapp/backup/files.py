"""Photo files in a backup: `files/photos/<name>`, each listed in the manifest with its size and
sha256, so an import can refuse a damaged or doctored file before a reader could be served it.

Files are streamed in and out a chunk at a time (a photo may be 15 MB) and stored uncompressed:
WebP is compressed already, deflating it again costs CPU and saves nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from webapp.backup.errors import BackupError
from webapp.core.db import DbSession
from webapp.photos import storage
from webapp.photos.models import Photo

FILES_DIR = "files/"
PHOTOS = f"{FILES_DIR}photos/"
_CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Listed:
    """A file the manifest lists: where it is in the archive, and what it must be."""

    path: str
    name: str
    size: int
    sha256: str


def referenced(session: DbSession) -> list[str]:
    """The names of every file a photo row points to (rows waiting for their file name none)."""
    rows = session.execute(
        select(Photo.storage, Photo.format, Photo.sizes)
        .where(Photo.storage.is_not(None), Photo.format.is_not(None))
        .order_by(Photo.id)
    )
    return [
        name
        for token, fmt, widths in rows
        if token is not None and fmt is not None
        for name in storage.file_names(token, widths or [], fmt)
    ]


def write(
    archive: zipfile.ZipFile,
    photos_dir: str | os.PathLike[str],
    names: Iterable[str],
    when: datetime,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Copy each named file into the archive; returns the manifest's entries and the names
    that were not on disk (reported, never silently dropped)."""
    entries: list[dict[str, Any]] = []
    missing: list[str] = []
    for name in names:
        path = storage.path_of(photos_dir, name)
        info = zipfile.ZipInfo(f"{PHOTOS}{name}", date_time=when.timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED
        copied = None if path is None else _copy(path, archive, info)
        if copied is None:
            missing.append(name)
        else:
            entries.append({"path": info.filename, "size": copied[0], "sha256": copied[1]})
    return entries, missing


def _copy(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, str] | None:
    """Stream one file into the archive: (size, sha256), or None if it vanished meanwhile."""
    with contextlib.ExitStack() as stack:
        try:
            source = stack.enter_context(open(path, "rb"))
        except FileNotFoundError:  # deleted with its row after the snapshot: no empty member
            return None
        out = stack.enter_context(archive.open(info, "w", force_zip64=True))
        digest = hashlib.sha256()
        size = 0
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def listed(manifest: dict[str, Any]) -> list[Listed]:
    """The manifest's files, checked: well-formed entries naming photo files, each once. An
    archive made before photos were backed up lists none, and restores without them."""
    entries = manifest.get("files", [])
    if not isinstance(entries, list):
        raise BackupError("the manifest is malformed: 'files' must be a list")
    found: dict[str, Listed] = {}
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(path := entry.get("path"), str)
            and isinstance(size := entry.get("size"), int)
            and not isinstance(size, bool)
            and size >= 0
            and isinstance(sha256 := entry.get("sha256"), str)
            and _SHA256.fullmatch(sha256)
        ):
            raise BackupError(
                "the manifest is malformed: each entry of 'files' needs a path, a size and a sha256"
            )
        name = path.removeprefix(PHOTOS)
        if not path.startswith(PHOTOS) or storage.parse_name(name) is None:
            raise BackupError(f"the backup lists {path!r}, which is not a photo file's name")
        if path in found:
            raise BackupError(f"the backup lists {path} twice")
        found[path] = Listed(path, name, size, sha256)
    missing = manifest.get("missing_files", [])
    if not isinstance(missing, list) or not all(isinstance(n, str) for n in missing):
        raise BackupError("the manifest is malformed: 'missing_files' must be a list of names")
    return list(found.values())


def restore(
    archive: zipfile.ZipFile, photos_dir: str | os.PathLike[str], files: list[Listed]
) -> list[Path]:
    """Put every listed file into `photos_dir`, each checked before it gets its name; returns
    the paths written. On any failure, the files written so far are removed and BackupError
    says which file and why."""
    written: list[Path] = []
    try:
        for entry in files:
            with archive.open(entry.path) as source:
                try:
                    path = storage.restore(photos_dir, entry.name, source, entry.size, entry.sha256)
                except storage.NotRestored as exc:
                    raise BackupError(f"photo file {exc}") from exc
                except OSError as exc:
                    raise BackupError(
                        f"{entry.path} could not be written into {photos_dir}: "
                        f"{exc.strerror or exc}"
                    ) from exc
            if path is not None:
                written.append(path)
    except BaseException:
        storage.remove_paths(written)
        raise
    return written
