"""Download packages from an Argos package index for `flask mt fetch`, refusing a hostile one.

The index is Argos's own format (argostranslate.package: a JSON list of package metadata, each
with `from_code`, `to_code`, `package_version`, `code` and `links`). Argos's public index gives
no checksum; an index that gives one (`sha256` or `checksum`, hex) has it checked. Either way the
download then goes through the verified install (`webapp.mt.packages.install_package`).

Only the CLI imports this module: the running app never downloads anything.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

MAX_INDEX_BYTES = 8 * 1024**2
MAX_REDIRECTS = 5
_CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_VERSION = re.compile(r"^[0-9A-Za-z]{1,16}([._-][0-9A-Za-z]{1,16}){0,7}$")
_SHA256 = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")


class FetchError(Exception):
    """The index or a download could not be had; the message says why."""


class Refused(FetchError):
    """The index or a download answered something hostile: it is refused, not retried."""


@dataclass(frozen=True)
class IndexEntry:
    """One translation package the index offers."""

    code: str
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]
    sha256: str | None

    @property
    def file_name(self) -> str:
        """The name the download is saved under, made from checked parts only."""
        version = self.version.replace(".", "_")
        return f"translate-{self.from_code}_{self.to_code}-{version}.argosmodel"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def _check_url(url: str, what: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
        raise Refused(f"{what} {url!r} is not an http(s) address; refused.")


def _open(url: str, timeout: float, what: str) -> requests.Response:
    """GET with a timeout, following redirects only within the same scheme, host and port."""
    _check_url(url, what)
    start = url
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            response = requests.get(url, timeout=timeout, stream=True, allow_redirects=False)
        except requests.RequestException as exc:
            raise FetchError(f"{what} {url} could not be reached ({type(exc).__name__}).") from exc
        if response.is_redirect:
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if _origin(target) != _origin(start):
                raise Refused(f"{what} {start} redirects to another host ({target}); refused.")
            url = target
            continue
        if response.status_code != 200:
            response.close()
            raise FetchError(f"{what} {url} answered HTTP {response.status_code}.")
        return response
    raise Refused(f"{what} {start} redirects more than {MAX_REDIRECTS} times; refused.")


def _read_capped(response: requests.Response, max_bytes: int, what: str, sink: Any) -> int:
    """Stream the body into `sink`, refusing it as soon as it passes max_bytes."""
    declared = response.headers.get("Content-Length", "")
    too_big = Refused(
        f"{what} is larger than the limit of {max_bytes / 1024**2:g} MB (MT_PACKAGE_MAX_MB); "
        "refused."
    )
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise too_big
    total = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise too_big
            sink(chunk)
    except requests.RequestException as exc:
        raise FetchError(f"{what}: the download broke off ({type(exc).__name__}).") from exc
    finally:
        response.close()
    return total


def read_index(url: str, timeout: float) -> list[Any]:
    """Download and decode the index: a JSON list, at most MAX_INDEX_BYTES."""
    import json

    response = _open(url, timeout, "The package index")
    body = bytearray()
    _read_capped(response, MAX_INDEX_BYTES, f"The package index {url}", body.extend)
    try:
        index = json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"The package index {url} is not valid JSON ({exc}).") from exc
    if not isinstance(index, list):
        raise FetchError(f"The package index {url} is not a JSON list of packages.")
    return index


def _entry(raw: dict, url: str) -> IndexEntry:
    """Check the fields of an index entry this fetch will use."""
    code = raw.get("code") or f"translate-{raw['from_code']}_{raw['to_code']}"
    where = f"The package index {url}: package {code!r}"
    if not isinstance(code, str) or not _SAFE_NAME.match(code) or ".." in code:
        raise Refused(f"{where} has a name that is not a plain file name; refused.")
    version = str(raw.get("package_version") or "")
    if not _VERSION.match(version):
        raise FetchError(f"{where} has no usable package_version ({version!r}).")
    links = raw.get("links")
    if not isinstance(links, list) or not links or not all(isinstance(x, str) for x in links):
        raise FetchError(f"{where} has no download links.")
    for link in links:
        _check_url(link, f"{where}: link")
    digest = raw.get("sha256", raw.get("checksum"))
    sha256 = None
    if digest is not None:
        match = _SHA256.match(str(digest))
        if not match:
            raise Refused(f"{where} has a checksum that is not a sha256 ({digest!r}).")
        sha256 = match.group(1).lower()
    return IndexEntry(code, raw["from_code"], raw["to_code"], version, tuple(links), sha256)


def choose(index: list[Any], pair: tuple[str, str], url: str) -> IndexEntry:
    """The newest translation package of the pair the index offers."""
    from webapp.mt.packages import version_key

    candidates = [
        _entry(raw, url)
        for raw in index
        if isinstance(raw, dict)
        and raw.get("type", "translate") == "translate"
        and (raw.get("from_code"), raw.get("to_code")) == pair
    ]
    if not candidates:
        raise FetchError(f"The package index {url} offers no {pair[0]} → {pair[1]} package.")
    return max(candidates, key=lambda entry: version_key(entry.version))


def download(entry: IndexEntry, folder: Path, max_bytes: int, timeout: float) -> Path:
    """Download the entry's package into `folder` (trying its links in order), size-capped and
    checked against the index's sha256 when it gives one."""
    target = Path(folder) / entry.file_name
    errors: list[str] = []
    for link in entry.links:
        digest = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as part:
            partial = Path(part.name)

            def write(chunk: bytes, part: Any = part, digest: Any = digest) -> None:
                digest.update(chunk)
                part.write(chunk)

            try:
                response = _open(link, timeout, f"The package {entry.code}")
                _read_capped(response, max_bytes, f"The package {entry.code} at {link}", write)
            except Refused:
                partial.unlink(missing_ok=True)
                raise  # a hostile answer is not a mirror to skip past
            except FetchError as exc:
                partial.unlink(missing_ok=True)
                errors.append(str(exc))
                continue
        if entry.sha256 is not None and digest.hexdigest() != entry.sha256:
            partial.unlink(missing_ok=True)
            raise Refused(
                f"The package {entry.code} at {link} has sha256 {digest.hexdigest()}, but the "
                f"index gives {entry.sha256}; refused."
            )
        partial.rename(target)
        return target
    raise FetchError(" ".join(errors))
