"""Install records: the sha256 sums `flask mt install` keeps inside each installed folder.

They let `flask mt verify`, and the engine before it loads a model, tell whether any file of a
package changed on disk since it was checked and installed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# Written by install_package inside each installed folder; an archive may not bring its own.
INSTALL_RECORD = ".kakehashi-install.json"
MODEL_FILE = "model/model.bin"


def sha256_of(stream: IO[bytes]) -> str:
    """Hash a binary stream in chunks (models are hundreds of MB)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _package_files(path: Path) -> Iterator[Path]:
    """The files of a package folder that its install record covers, in a stable order."""
    for file in sorted(path.rglob("*")):
        if file.is_file() and file.name != INSTALL_RECORD:
            yield file


def file_sums(path: Path) -> dict[str, str]:
    """sha256 of every file of a package folder, by path relative to it."""
    sums = {}
    for file in _package_files(path):
        with file.open("rb") as stream:
            sums[file.relative_to(path).as_posix()] = sha256_of(stream)
    return sums


def read_install_record(path: Path) -> dict[str, object] | None:
    """The install record of a package folder, or None (installed before records, or damaged)."""
    try:
        record = json.loads((Path(path) / INSTALL_RECORD).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("model_sha256"), str):
        return None
    return record


def changed_files(path: Path) -> list[str] | None:
    """Files of a package folder that differ from its install record; None if it has none."""
    record = read_install_record(path)
    if record is None:
        return None
    pinned = record.get("files")
    if not isinstance(pinned, dict):
        pinned = {MODEL_FILE: record["model_sha256"]}
    actual = file_sums(Path(path))
    changed = [name for name, digest in pinned.items() if actual.get(name) != digest]
    return sorted(changed + [name for name in actual if name not in pinned])
