"""Install and list Argos `.argosmodel` packages in the app's own folder, offline and safely.

Argos's own `install_from_path` unpacks into a global home folder without checking the archive,
and importing `argostranslate.package` creates folders under the home directory, so this module
reads archives and `metadata.json` itself with the standard library.

An install is checked before it replaces anything: the archive's layout and declared sizes
(`webapp.mt.archives`), its pair here, then the model itself in a child process
(`webapp.mt.verify`), which loads it and translates one sentence in the pair's direction. Each
installed folder keeps a record of sha256 sums (`webapp.mt.records`) that later checks compare.

Each install goes into a folder named by the pair and version its metadata.json declares
(`translate-en_ja-1_1`), never by the archive's own folder, so a package can only replace
another of the same pair. A pair keeps the version it replaced beside the new one, for rollback.
A rollback moves the version in use aside, into `.rolled-back/` (a dot folder: neither listed
nor loaded), so the admin can roll forward to it again; the next install of the pair drops it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from webapp.languages import KNOWN
from webapp.mt.archives import (
    DEFAULT_LIMITS,
    MAX_METADATA_BYTES,
    TOKENIZER_FILES,
    ArchiveLimits,
    PackageError,
    check_archive,
    parse_metadata,
)
from webapp.mt.records import (
    INSTALL_RECORD,
    MODEL_FILE,
    changed_files,
    file_sums,
    read_install_record,
    sha256_of,
)

log = logging.getLogger(__name__)

# A version goes into a folder name: digits and letters, separated by . _ or -.
_VERSION = re.compile(r"^[0-9A-Za-z]{1,16}([._-][0-9A-Za-z]{1,16}){0,7}$")
_PAIR_IN_NAME = re.compile(r"^translate-([A-Za-z]{2,8})_([A-Za-z]{2,8})(?:-|$)")
# Loading a real model and translating one sentence takes seconds; a hang must not block forever.
VERIFY_TIMEOUT_SECONDS = 120.0
_MAX_MESSAGE = 300
# Where a rolled-back version waits, inside the packages folder (the same disk: renames).
HELD_DIR = ".rolled-back"


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


def version_key(version: str) -> tuple[int, ...]:
    """Order versions such as "1.9" < "1.10" numerically; non-numeric parts count as 0."""
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[._-]", version))


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
    metadata = parse_metadata(metadata_file.read_bytes(), str(path))
    if not (path / "model" / "model.bin").is_file():
        raise PackageError(f"{path}: no CTranslate2 model (model/model.bin).")
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise PackageError(f"{path}: no tokenizer ({' or '.join(TOKENIZER_FILES)}).")
    return _package_from(metadata, path)


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


def _version(metadata: dict, where: str) -> str:
    """The package's version, as it may go into a folder name ("0" if it gives none)."""
    version = str(metadata.get("package_version") or "0")
    if not _VERSION.match(version):
        raise PackageError(f"{where}: metadata.json has no usable package_version ({version!r}).")
    return version


def folder_name(metadata: dict, where: str) -> str:
    """The folder an install goes into, from metadata alone: `translate-en_ja-1_1`."""
    version = _version(metadata, where).replace(".", "_")
    return f"translate-{metadata['from_code']}_{metadata['to_code']}-{version}"


def _check_pair(
    metadata: dict, top: str, archive: Path, expected_pair: tuple[str, str] | None
) -> tuple[str, str]:
    """The pair metadata.json declares, refused unless the app knows both languages (and it is
    the pair expected, if one is)."""
    pair = (metadata["from_code"], metadata["to_code"])
    unknown = [code for code in pair if code not in KNOWN]
    if unknown:
        raise PackageError(
            f"{archive}: the package translates {pair[0]} → {pair[1]}, but this app knows no "
            f"language {', '.join(unknown)} (it knows {', '.join(KNOWN)}: webapp/languages/)."
        )
    if expected_pair is not None and pair != tuple(code.lower() for code in expected_pair):
        raise PackageError(
            f"{archive}: the package translates {pair[0]} → {pair[1]}, "
            f"not {expected_pair[0]} → {expected_pair[1]} as expected."
        )
    named = _PAIR_IN_NAME.match(top)
    if named and tuple(code.lower() for code in named.groups()) != pair:
        # Only a name: what the model does is checked below, and the folder is named anew.
        log.warning("%s: folder %s holds a %s → %s package", archive, top, *pair)
    return pair


def _superseded(
    packages_dir: Path, pair: tuple[str, str], version: str, dest: Path, archive: Path
) -> list[InstalledPackage]:
    """The installs of the pair that this version retires: all but the newest older version,
    kept for rollback. Refuses a version older than one installed, since the engine would go on
    using the newest: going back means removing the newer folder."""
    installed = list_packages(packages_dir)
    same = [p for p in installed if (p.from_code, p.to_code) == pair]
    newer = [p for p in same if version_key(p.version) > version_key(version)]
    if newer:
        raise PackageError(
            f"{archive}: {pair[0]} → {pair[1]} {newer[-1].version} is installed "
            f"({newer[-1].path}), newer than this package's {version}; the newest version of a "
            "pair is the one in use, so to go back to an older one remove that folder."
        )
    # A folder named for this pair may hold another, installed under its archive's folder name
    # before installs were named by metadata: never replace another pair.
    for other in (p for p in installed if p.path == dest and p not in same):
        raise PackageError(
            f"{archive}: {dest} holds a {other.from_code} → {other.to_code} package; "
            "move it away, then install again."
        )
    previous = [p for p in same if version_key(p.version) < version_key(version)][-1:]
    return [p for p in same if p not in previous and p.path != dest]


def install_package(
    archive: Path,
    packages_dir: Path,
    *,
    expected_pair: tuple[str, str] | None = None,
    verify_timeout: float = VERIFY_TIMEOUT_SECONDS,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    installed_by: str | None = None,
    origin: str | None = None,
) -> InstalledPackage:
    """Unpack, check and pin an `.argosmodel` in its pair's and version's folder in packages_dir.

    Nothing already installed changes unless the new package passes every check: its layout and
    sizes, its metadata (a known pair, and `expected_pair`, if given), and a test translation in
    that pair's direction in a child process. The pair's previous version then stays beside it.
    The install record keeps who installed it (`installed_by`), from where (`origin`: the file,
    an upload, a URL) and the test translation it passed.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise PackageError(f"{archive}: no such file.")
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive}: not a zip archive (an .argosmodel file is a zip).")
    packages_dir = Path(packages_dir)
    staging: Path | None = None
    retired: Path | None = None
    try:
        try:
            # Hash and unpack the same open file, so the sum describes what was unpacked.
            with archive.open("rb") as stream:
                archive_sha256 = sha256_of(stream)
                archive_bytes = stream.tell()
                stream.seek(0)
                with zipfile.ZipFile(stream) as zf:
                    top, metadata = check_archive(zf, archive, archive_bytes, limits)
                    pair = _check_pair(metadata, top, archive, expected_pair)
                    dest = packages_dir / folder_name(metadata, str(archive))
                    version = _version(metadata, str(archive))
                    _superseded(packages_dir, pair, version, dest, archive)  # refuse early
                    packages_dir.mkdir(parents=True, exist_ok=True)
                    # Stage and retire inside packages_dir: every move is a same-disk rename.
                    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=packages_dir))
                    retired = Path(tempfile.mkdtemp(prefix=".removing-", dir=packages_dir))
                    zf.extractall(staging)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise PackageError(f"{archive}: damaged zip archive ({exc}).") from exc
        read_package(staging / top)
        try:
            sample = verify_package(staging / top, verify_timeout)
        except PackageError as exc:
            raise PackageError(f"{archive}: {exc}") from exc
        sums = file_sums(staging / top)
        record = {
            "archive": archive.name,
            "archive_sha256": archive_sha256,
            "archive_bytes": archive_bytes,
            "installed_by": installed_by,
            "origin": origin or str(archive),
            "sample": sample,
            "model_sha256": sums[MODEL_FILE],
            "files": sums,
            "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (staging / top / INSTALL_RECORD).write_text(json.dumps(record, indent=2) + "\n")
        superseded = _superseded(packages_dir, pair, version, dest, archive)
        if dest.exists():  # this very version, installed again
            os.rename(dest, retired / dest.name)
        os.rename(staging / top, dest)
        for index, pkg in enumerate(superseded):
            os.rename(pkg.path, retired / f"{index}-{pkg.path.name}")
        for pkg in held_packages(packages_dir, pair):  # a new install ends rolling forward
            os.rename(pkg.path, retired / f"held-{pkg.path.name}")
    finally:
        for folder in (staging, retired):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
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


def in_use(packages: list[InstalledPackage]) -> dict[tuple[str, str], InstalledPackage]:
    """The package the engine uses for each pair: its newest version (`list_packages` order)."""
    return {(p.from_code, p.to_code): p for p in packages}


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
                    "reinstall it with `flask --app wsgi mt install FILE.argosmodel` to pin its "
                    "checksums."
                )
            elif changed:
                shown = ", ".join(changed[:5]) + (", …" if len(changed) > 5 else "")
                problem = f"{child}: changed since it was installed (sha256 differs): {shown}."
        report.append((child, problem))
    return report


def rollback_pair(
    packages_dir: Path, pair: tuple[str, str]
) -> tuple[InstalledPackage, InstalledPackage]:
    """Remove the version of a pair in use so the one it replaced serves again; return (removed,
    restored). Refused, changing nothing, when no previous version is kept or when the kept one's
    files differ from its install record (it would be refused at load)."""
    packages_dir = Path(packages_dir)
    same = [p for p in list_packages(packages_dir) if (p.from_code, p.to_code) == pair]
    if not same:
        raise PackageError(f"no {pair[0]} → {pair[1]} model is installed in {packages_dir}.")
    if len(same) < 2:
        raise PackageError(
            f"{pair[0]} → {pair[1]} has no previous version kept to roll back to "
            f"(only {same[-1].name} {same[-1].version} is installed)."
        )
    current, previous = same[-1], same[-2]
    changed = changed_files(previous.path)
    if changed is None or changed:
        what = "has no install record" if changed is None else f"changed ({', '.join(changed[:3])})"
        raise PackageError(
            f"the kept {pair[0]} → {pair[1]} {previous.version} ({previous.path}) {what} since it "
            "was installed; install a package again instead."
        )
    held = packages_dir / HELD_DIR
    held.mkdir(exist_ok=True)
    retired = Path(tempfile.mkdtemp(prefix=".removing-", dir=packages_dir))
    try:
        for pkg in held_packages(packages_dir, pair):  # one version waits per pair
            os.rename(pkg.path, retired / pkg.path.name)
        if (held / current.path.name).exists():  # a stray folder of that name
            os.rename(held / current.path.name, retired / f"stray-{current.path.name}")
        os.rename(current.path, held / current.path.name)  # one rename: the engine sees it
    finally:
        shutil.rmtree(retired, ignore_errors=True)
    log.info("Rolled %s back from %s to %s", pair, current.version, previous.version)
    return read_package(held / current.path.name), read_package(previous.path)


def held_packages(
    packages_dir: Path, pair: tuple[str, str] | None = None
) -> list[InstalledPackage]:
    """The versions rolled back and kept to roll forward to (of `pair`, or of every pair)."""
    held = [
        p
        for p in list_packages(Path(packages_dir) / HELD_DIR)
        if pair is None or (p.from_code, p.to_code) == pair
    ]
    return held


def rollforward_pair(
    packages_dir: Path, pair: tuple[str, str]
) -> tuple[InstalledPackage, InstalledPackage | None]:
    """Put the version a rollback moved aside back in use; return (restored, the one it
    replaces, now kept for rollback). Refused, changing nothing, when none waits, when its files
    differ from its install record, or when it is not newer than the version in use."""
    packages_dir = Path(packages_dir)
    waiting = held_packages(packages_dir, pair)
    if not waiting:
        raise PackageError(
            f"{pair[0]} → {pair[1]} has no rolled-back version kept to roll forward to."
        )
    pkg = waiting[-1]
    changed = changed_files(pkg.path)
    if changed is None or changed:
        what = "has no install record" if changed is None else f"changed ({', '.join(changed[:3])})"
        raise PackageError(
            f"the rolled-back {pair[0]} → {pair[1]} {pkg.version} ({pkg.path}) {what} since it "
            "was installed; install a package again instead."
        )
    current = in_use(list_packages(packages_dir)).get(pair)
    if current is not None and version_key(current.version) >= version_key(pkg.version):
        raise PackageError(
            f"{pair[0]} → {pair[1]} {current.version} is in use, not older than the rolled-back "
            f"{pkg.version}; install a package instead."
        )
    dest = packages_dir / pkg.path.name
    if dest.exists():
        raise PackageError(f"{dest} already exists; move it away, then roll forward again.")
    os.rename(pkg.path, dest)
    log.info("Rolled %s forward to %s", pair, pkg.version)
    return read_package(dest), current
