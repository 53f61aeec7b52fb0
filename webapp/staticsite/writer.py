"""Files of the static site: where a page's file goes, writing it atomically, taking it away.

A page at `/en/summaries/a-slug` is the file `en/summaries/a-slug.html`, a page at `/en/` is
`en/index.html`, anything else with a name (`/en/feed.atom`, `/sitemap-1.xml`) keeps it;
nginx's `try_files $uri $uri.html ${uri}index.html` finds them the same way. Each file is
written beside its place and moved there with `os.replace` (readers see the old file or the new
one, never half of one), its `.br` and `.gz` siblings first, so `gzip_static` never finds a
compressed copy of a page whose plain file is gone; removal goes the other way round.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

try:  # the app's own compression uses it; a site without it gets .gz siblings alone
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency of the app
    brotli = None

BUILD_FILE = ".build.json"
LOCK_FILE = ".lock"
PHOTOS = "photos"
# Paths of reader pages are made of slugs, locale codes, country codes and numbers.
_SAFE_PATH = re.compile(r"^/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/?)*$")
SIBLINGS = (".br", ".gz")


def file_for(site: Path, path: str) -> Path | None:
    """The file that holds the page at `path`, or None for a path no file may stand for."""
    if not _SAFE_PATH.match(path) or "/." in path or path.endswith(".html"):
        return None
    if path.endswith("/"):
        return site / path.lstrip("/") / "index.html"
    name = path.rsplit("/", 1)[-1]
    return site / (path.lstrip("/") + ("" if "." in name else ".html"))


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise


def write(target: Path, body: bytes) -> bool:
    """Put `body` at `target` with its compressed siblings; False when it was there already."""
    with contextlib.suppress(FileNotFoundError):
        if target.read_bytes() == body and all(
            target.with_name(target.name + s).exists() for s in _siblings()
        ):
            return False
    if brotli is not None:
        _replace(target.with_name(target.name + ".br"), brotli.compress(body, quality=11))
    _replace(target.with_name(target.name + ".gz"), gzip.compress(body, 9, mtime=0))
    _replace(target, body)
    return True


def _siblings() -> tuple[str, ...]:
    return SIBLINGS if brotli is not None else (".gz",)


def remove(target: Path) -> bool:
    """Take a page's file away (the plain one first); False when there was none."""
    there = target.exists()
    for suffix in ("", *SIBLINGS):
        with contextlib.suppress(FileNotFoundError):
            target.with_name(target.name + suffix).unlink()
    return there


def page_files(site: Path) -> Iterator[Path]:
    """Every page file of the site (not its compressed siblings, photos or own records)."""
    for path in site.rglob("*"):
        relative = path.relative_to(site)
        if (
            path.is_file()
            and relative.parts[0] != PHOTOS
            and not any(part.startswith(".") for part in relative.parts)
            and path.suffix not in SIBLINGS
        ):
            yield path


def place_photo(site: Path, photos_dir: Path, name: str) -> bool:
    """Make the stored photo file `name` part of the site (a hard link, or a copy across
    devices); False when it was there already or the stored file is missing."""
    source, target = photos_dir / name, site / PHOTOS / name
    if target.exists() or not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".partial-{name}")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        os.link(source, partial)
    except OSError:
        shutil.copyfile(source, partial)
    os.replace(partial, target)
    return True


def remove_photos(site: Path, names: Iterable[str]) -> int:
    gone = 0
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            (site / PHOTOS / name).unlink()
            gone += 1
    return gone


def photo_files(site: Path) -> set[str]:
    folder = site / PHOTOS
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


@contextlib.contextmanager
def locked(site: Path) -> Iterator[None]:
    """One writer at a time per site (jobs on several workers, the CLI): a job that rendered a
    page before a withdrawal cannot write it after the withdrawal's job took it away."""
    site.mkdir(parents=True, exist_ok=True)
    with open(site / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fingerprint(roots: Iterable[Path], *extra: str) -> str:
    """A hash of every file under `roots` (names and bytes) and of `extra` values."""
    digest = hashlib.sha256()
    for value in extra:
        digest.update(value.encode() + b"\0")
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        for path in files:
            if path.suffix in (".pyc", ".partial") or "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
