"""What an `.argosmodel` archive must be before anything of it is written: its layout, its
declared sizes and its metadata.json, read with the standard library (`webapp.mt.packages`
installs what passes).
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from webapp.mt.records import INSTALL_RECORD

MAX_METADATA_BYTES = 1024**2
# A member smaller than this (metadata.json, a vocabulary) may compress far better than model
# weights without being a bomb, so only larger members are held to the ratio on their own.
RATIO_FLOOR_BYTES = 1024**2
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8})*$")


class PackageError(Exception):
    """The file is not a usable Argos translation package; the message says why."""


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may unpack to (MT_PACKAGE_MAX_MB, MT_PACKAGE_MAX_RATIO).

    Real Argos packages unpack to 100-400 MB at a ratio of 1-3 (weights hardly compress).
    """

    max_unpacked_bytes: int = 1024 * 1024**2
    max_ratio: float = 100.0


DEFAULT_LIMITS = ArchiveLimits()


def parse_metadata(raw: bytes, where: str) -> dict:
    """Decode metadata.json and check the fields the engine relies on."""
    try:
        metadata = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"{where}: metadata.json is not valid JSON ({exc}).") from exc
    if not isinstance(metadata, dict):
        raise PackageError(f"{where}: metadata.json must hold a JSON object.")
    kind = metadata.get("type", "translate")  # Argos treats a missing type as "translate"
    if kind != "translate":
        raise PackageError(f"{where}: package type is {kind!r}; only translate packages work.")
    for field in ("from_code", "to_code"):
        code = metadata.get(field)
        if not isinstance(code, str) or not _LANGUAGE_CODE.match(code):
            raise PackageError(f"{where}: metadata.json has no valid {field}.")
    if metadata["from_code"].lower() == metadata["to_code"].lower():
        raise PackageError(f"{where}: metadata.json translates {metadata['from_code']} to itself.")
    return metadata


def _check_member(info: zipfile.ZipInfo, archive: Path) -> PurePosixPath:
    """Refuse names that could write outside the target folder (zip-slip) or links."""
    name = info.filename
    parts = PurePosixPath(name).parts
    if (
        not name
        or "\\" in name
        or name.startswith("/")
        or re.match(r"^[A-Za-z]:", name)
        or any(part in ("..", ".") for part in parts)
    ):
        raise PackageError(f"{archive}: unsafe path in archive: {name!r}.")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise PackageError(f"{archive}: archive contains a symbolic link: {name!r}.")
    if parts[-1] == INSTALL_RECORD:
        raise PackageError(f"{archive}: archive brings its own install record: {name!r}.")
    return PurePosixPath(name)


def _check_sizes(
    infos: list[zipfile.ZipInfo], archive_bytes: int, limits: ArchiveLimits, archive: Path
) -> None:
    """Refuse a zip bomb by the sizes its central directory declares, before a byte is unpacked.

    zipfile stops each member at its declared size (a member that inflates further fails its
    CRC), so the declared sizes bound what extraction can write.
    """
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        raise PackageError(
            f"{archive}: the archive would unpack to {total / 1024**2:.1f} MB; the limit is "
            f"{limits.max_unpacked_bytes // 1024**2} MB (MT_PACKAGE_MAX_MB)."
        )
    ratio = total / max(archive_bytes, 1)
    bombs = [
        info
        for info in infos
        if info.file_size > RATIO_FLOOR_BYTES
        and info.file_size > limits.max_ratio * max(info.compress_size, 1)
    ]
    if ratio > limits.max_ratio or bombs:
        what = f"{bombs[0].filename} would unpack to" if bombs else "the archive would unpack to"
        times = bombs[0].file_size / max(bombs[0].compress_size, 1) if bombs else ratio
        raise PackageError(
            f"{archive}: {what} {times:.0f} times its size; the limit is "
            f"{limits.max_ratio:g} (MT_PACKAGE_MAX_RATIO)."
        )


def check_archive(
    zf: zipfile.ZipFile, archive: Path, archive_bytes: int, limits: ArchiveLimits
) -> tuple[str, dict]:
    """Validate the archive's layout before anything is written; return its folder and metadata."""
    infos = zf.infolist()
    paths = [_check_member(info, archive) for info in infos]
    _check_sizes(infos, archive_bytes, limits, archive)
    tops = {path.parts[0] for path in paths}
    loose = [
        info.filename
        for info, path in zip(infos, paths, strict=True)
        if len(path.parts) == 1 and not info.is_dir()
    ]
    if len(tops) != 1 or loose:
        raise PackageError(f"{archive}: a package must hold exactly one top-level folder.")
    top = tops.pop()
    if top.startswith("."):
        raise PackageError(f"{archive}: the package folder name must not start with a dot.")
    names = {path.as_posix() for path in paths}
    if f"{top}/metadata.json" not in names:
        raise PackageError(f"{archive}: no metadata.json in {top}/.")
    if f"{top}/model/model.bin" not in names:
        raise PackageError(f"{archive}: no CTranslate2 model ({top}/model/model.bin).")
    if not any(f"{top}/{name}" in names for name in TOKENIZER_FILES):
        raise PackageError(f"{archive}: no tokenizer ({' or '.join(TOKENIZER_FILES)}).")
    info = zf.getinfo(f"{top}/metadata.json")
    if info.file_size > MAX_METADATA_BYTES:
        raise PackageError(f"{archive}: metadata.json is implausibly large.")
    return top, parse_metadata(zf.read(info), str(archive))
