"""Install and list Argos `.argosmodel` packages in the app's own folder, offline and safely.

Argos's own `install_from_path` unpacks into a global home folder without checking the archive,
and importing `argostranslate.package` creates folders under the home directory, so this module
reads archives and `metadata.json` itself with the standard library.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

# Real packages unpack to a few hundred MB; refuse archives that claim far more (zip bombs).
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_METADATA_BYTES = 1024**2
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class InstalledPackage:
    """A translation package unpacked in the packages folder."""

    from_code: str
    to_code: str
    version: str
    name: str
    path: Path
    target_prefix: str = ""


class PackageError(Exception):
    """The file is not a usable Argos translation package; the message says why."""


def version_key(version: str) -> tuple[int, ...]:
    """Order versions such as "1.9" < "1.10" numerically; non-numeric parts count as 0."""
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[._-]", version))


def _parse_metadata(raw: bytes, where: str) -> dict:
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
    return metadata


def _package_from(metadata: dict, path: Path) -> InstalledPackage:
    """Build the record for an unpacked package folder from its metadata."""
    from_code, to_code = metadata["from_code"], metadata["to_code"]
    return InstalledPackage(
        from_code=from_code,
        to_code=to_code,
        version=str(metadata.get("package_version") or "0"),
        name=str(metadata.get("code") or f"translate-{from_code}_{to_code}"),
        path=path,
        target_prefix=str(metadata.get("target_prefix") or ""),
    )


def read_package(path: Path) -> InstalledPackage:
    """Read an unpacked package folder, checking it has metadata, a model and a tokenizer."""
    metadata_file = path / "metadata.json"
    if not metadata_file.is_file():
        raise PackageError(f"{path}: no metadata.json.")
    if metadata_file.stat().st_size > MAX_METADATA_BYTES:
        raise PackageError(f"{path}: metadata.json is implausibly large.")
    metadata = _parse_metadata(metadata_file.read_bytes(), str(path))
    if not (path / "model" / "model.bin").is_file():
        raise PackageError(f"{path}: no CTranslate2 model (model/model.bin).")
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise PackageError(f"{path}: no tokenizer ({' or '.join(TOKENIZER_FILES)}).")
    return _package_from(metadata, path)


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
    return PurePosixPath(name)


def _check_archive(zf: zipfile.ZipFile, archive: Path) -> tuple[str, dict]:
    """Validate the archive's layout before anything is written; return its folder and metadata."""
    infos = zf.infolist()
    paths = [_check_member(info, archive) for info in infos]
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise PackageError(f"{archive}: archive unpacks to more than {MAX_UNPACKED_BYTES} bytes.")
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
    return top, _parse_metadata(zf.read(info), str(archive))


def install_package(archive: Path, packages_dir: Path) -> InstalledPackage:
    """Unpack a checked `.argosmodel` into packages_dir, replacing older installs of its pair."""
    archive = Path(archive)
    if not archive.is_file():
        raise PackageError(f"{archive}: no such file.")
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive}: not a zip archive (an .argosmodel file is a zip).")
    packages_dir = Path(packages_dir)
    packages_dir.mkdir(parents=True, exist_ok=True)
    # Stage and retire inside packages_dir so every move is a same-filesystem rename.
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=packages_dir))
    retired = Path(tempfile.mkdtemp(prefix=".removing-", dir=packages_dir))
    try:
        try:
            with zipfile.ZipFile(archive) as zf:
                top, _ = _check_archive(zf, archive)
                zf.extractall(staging)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise PackageError(f"{archive}: damaged zip archive ({exc}).") from exc
        staged = read_package(staging / top)
        dest = packages_dir / top
        older = [
            pkg
            for pkg in list_packages(packages_dir)
            if (pkg.from_code, pkg.to_code) == (staged.from_code, staged.to_code)
            and pkg.path != dest
        ]
        if dest.exists():
            os.rename(dest, retired / top)
        os.rename(staging / top, dest)
        for index, pkg in enumerate(older):
            os.rename(pkg.path, retired / f"{index}-{pkg.path.name}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    installed = read_package(dest)
    log.info("Installed %s %s into %s", installed.name, installed.version, dest)
    return installed


def list_packages(packages_dir: Path) -> list[InstalledPackage]:
    """List usable translation packages, sorted by pair then version (newest last)."""
    packages_dir = Path(packages_dir)
    if not packages_dir.is_dir():
        return []
    found = []
    for child in packages_dir.iterdir():
        if child.name.startswith(".") or not child.is_dir():
            continue  # our staging folders, or stray files
        try:
            found.append(read_package(child))
        except (PackageError, OSError) as exc:
            log.warning("Skipping %s: %s", child, exc)
    return sorted(
        found, key=lambda p: (p.from_code, p.to_code, version_key(p.version), p.name, str(p.path))
    )
