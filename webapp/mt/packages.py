"""Install and list Argos `.argosmodel` packages in the app's own folder, offline and safely.

Argos's own `install_from_path` unpacks into a global home folder without checking the archive,
and importing `argostranslate.package` creates folders under the home directory, so this module
reads archives and `metadata.json` itself with the standard library.

An install is checked before it replaces anything: the archive's layout here, then the model
itself in a child process (`webapp.mt.verify`), which loads it and translates one sentence. Each
installed folder keeps a record of sha256 sums (`webapp.mt.records`) that later checks compare.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from webapp.mt.records import (
    INSTALL_RECORD,
    MODEL_FILE,
    changed_files,
    file_sums,
    read_install_record,
    sha256_of,
)

log = logging.getLogger(__name__)

# Real packages unpack to a few hundred MB; refuse archives that claim far more (zip bombs).
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_METADATA_BYTES = 1024**2
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8})*$")
# Loading a real model and translating one sentence takes seconds; a hang must not block forever.
VERIFY_TIMEOUT_SECONDS = 120.0
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class InstalledPackage:
    """A translation package unpacked in the packages folder."""

    from_code: str
    to_code: str
    version: str
    name: str
    path: Path
    target_prefix: str = ""
    sha256: str | None = None  # of the archive it was installed from; None if never recorded


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
    if metadata["from_code"].lower() == metadata["to_code"].lower():
        raise PackageError(f"{where}: metadata.json translates {metadata['from_code']} to itself.")
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
        sha256=_archive_sha256(path),
    )


def _archive_sha256(path: Path) -> str | None:
    """The sha256 of the archive a folder was installed from, if its install record says."""
    digest = (read_install_record(path) or {}).get("archive_sha256")
    return digest if isinstance(digest, str) else None


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
    if parts[-1] == INSTALL_RECORD:
        raise PackageError(f"{archive}: archive brings its own install record: {name!r}.")
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


def _one_line(text: str) -> str:
    """Squash a child's message onto one short line for the operator."""
    line = " ".join(text.split())
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"


def run_check(command: list[str], timeout: float, env: dict[str, str] | None = None) -> str:
    """Run a package check in a child process; return its sample or the reason it failed.

    The child prints one JSON line, {"ok": true, "sample": ...} or {"ok": false, "error": ...};
    a crash, a hang or garbage output is a failure too. Returns "" for success with no sample.
    Raises PackageError with a one-line reason.
    """
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            encoding="utf-8",
            errors="replace",  # native libraries may print anything
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise PackageError(f"the model check did not finish within {timeout:g} s.") from exc
    except OSError as exc:
        raise PackageError(f"the model check could not start ({exc}).") from exc
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        raise PackageError(f"the model check crashed ({name}).")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    try:
        result = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        result = None
    if not isinstance(result, dict):
        errors = done.stderr.strip().splitlines()
        detail = f": {_one_line(errors[-1])}" if errors else ""
        raise PackageError(f"the model check failed (exit code {done.returncode}){detail}.")
    if not result.get("ok") or done.returncode != 0:
        reason = _one_line(str(result.get("error"))).rstrip(".")
        raise PackageError(f"the model check failed: {reason}.")
    return str(result.get("sample") or "")


def verify_package(path: Path, timeout: float = VERIFY_TIMEOUT_SECONDS) -> str:
    """Load an unpacked package and translate one sentence in a child process; return it."""
    # The child imports this app from the same place, wherever the CLI was started.
    source_root = str(Path(__file__).resolve().parents[2])
    python_path = [source_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(python_path)}
    return run_check([sys.executable, "-m", "webapp.mt.verify", str(path)], timeout, env)


def install_package(
    archive: Path,
    packages_dir: Path,
    *,
    expected_pair: tuple[str, str] | None = None,
    verify_timeout: float = VERIFY_TIMEOUT_SECONDS,
) -> InstalledPackage:
    """Unpack, check and pin an `.argosmodel` in packages_dir, then retire older installs.

    Nothing already installed changes unless the new package passes every check: its layout, its
    metadata (and `expected_pair`, if given), and a test translation in a child process.
    """
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
            # Hash and unpack the same open file, so the sum describes what was unpacked.
            with archive.open("rb") as stream:
                archive_sha256 = sha256_of(stream)
                stream.seek(0)
                with zipfile.ZipFile(stream) as zf:
                    top, _ = _check_archive(zf, archive)
                    zf.extractall(staging)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise PackageError(f"{archive}: damaged zip archive ({exc}).") from exc
        staged = read_package(staging / top)
        pair = (staged.from_code, staged.to_code)
        if expected_pair is not None and [c.lower() for c in pair] != [
            c.lower() for c in expected_pair
        ]:
            raise PackageError(
                f"{archive}: the package translates {pair[0]} → {pair[1]}, "
                f"not {expected_pair[0]} → {expected_pair[1]} as expected."
            )
        try:
            verify_package(staging / top, verify_timeout)
        except PackageError as exc:
            raise PackageError(f"{archive}: {exc}") from exc
        sums = file_sums(staging / top)
        record = {
            "archive": archive.name,
            "archive_sha256": archive_sha256,
            "model_sha256": sums[MODEL_FILE],
            "files": sums,
            "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (staging / top / INSTALL_RECORD).write_text(json.dumps(record, indent=2) + "\n")
        dest = packages_dir / top
        older = [
            pkg
            for pkg in list_packages(packages_dir)
            if (pkg.from_code, pkg.to_code) == pair and pkg.path != dest
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


def check_installed(packages_dir: Path) -> list[tuple[Path, str | None]]:
    """Each package folder with what is wrong with it; None when its files match its record."""
    packages_dir = Path(packages_dir)
    if not packages_dir.is_dir():
        return []
    report: list[tuple[Path, str | None]] = []
    for child in sorted(packages_dir.iterdir()):
        if child.name.startswith(".") or not child.is_dir():
            continue
        problem: str | None = None
        try:
            read_package(child)
            changed = changed_files(child)
        except (PackageError, OSError) as exc:
            problem = str(exc)
        else:
            if changed is None:
                problem = (
                    f"{child}: no install record, so nothing to check against; "
                    "reinstall it with `flask mt install` to pin its checksums."
                )
            elif changed:
                shown = ", ".join(changed[:5]) + (", …" if len(changed) > 5 else "")
                problem = f"{child}: changed since it was installed (sha256 differs): {shown}."
        report.append((child, problem))
    return report
