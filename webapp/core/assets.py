"""Static files under fingerprinted names, kept for a year: `site.css` -> `site.3f2a9c1b04de.css`.

Every file of the static folder is read and hashed once, when the app first needs a name;
`url_for('static', filename='site.css')` then names the fingerprinted file, which answers with
`Cache-Control: public, max-age=31536000, immutable` from memory, in brotli or gzip (compressed
once, here) for clients that accept it. A changed file gets a new name with the next start, so a
reader's browser or a CDN never keeps an old stylesheet (in development, restart after editing
CSS or JS). The plain name still answers (revalidated each time: `no-cache`), for links made
elsewhere; a fingerprint that is not the current one is 404.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue

from webapp.core import compression

IMMUTABLE = "public, max-age=31536000, immutable"
DIGEST_CHARS = 12


@dataclass(frozen=True)
class Asset:
    """One static file as served: its type, ETag and bodies by encoding."""

    mimetype: str
    etag: str
    bodies: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Manifest:
    """Plain name -> fingerprinted name, and fingerprinted name -> the file."""

    names: dict[str, str] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)


def fingerprinted(name: str, digest: str) -> str:
    """`css/site.css` -> `css/site.<digest>.css` (a name without a suffix gets it at the end)."""
    folder, slash, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    base = f"{stem}.{digest}.{suffix}" if dot and stem else f"{base}.{digest}"
    return f"{folder}{slash}{base}"


def build_manifest(folder: Path, min_bytes: int) -> Manifest:
    """Read and hash every file under `folder`."""
    manifest = Manifest()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]
        # Werkzeug adds `; charset=utf-8` to text types when the response is made.
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        bodies = (
            compression.variants(data)
            if compression.worth_compressing(mimetype, len(data), min_bytes)
            else {"identity": data}
        )
        served = fingerprinted(name, digest)
        manifest.names[name] = served
        manifest.assets[served] = Asset(mimetype, digest, bodies)
    return manifest


def init_app(app: Flask) -> None:
    """Serve the static folder under fingerprinted names (hashed at the first request that
    names or asks for a static file: some 50 ms that `import wsgi` need not wait for)."""
    if not app.static_folder or not app.has_static_folder:
        return
    folder, min_bytes = Path(app.static_folder), int(app.config["COMPRESS_MIN_BYTES"])
    built: list[Manifest] = []
    lock = threading.Lock()

    def manifest() -> Manifest:
        if not built:
            with lock:
                if not built:
                    built.append(build_manifest(folder, min_bytes))
        return built[0]

    app.extensions["static_manifest"] = manifest
    plain = app.view_functions["static"]

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static":
            name = values.get("filename")
            names = manifest().names
            if isinstance(name, str) and name in names:
                values["filename"] = names[name]

    def static(filename: str) -> ResponseReturnValue:
        asset = manifest().assets.get(filename)
        if asset is None:
            return cast(ResponseReturnValue, plain(filename=filename))
        return _serve(asset)

    app.view_functions["static"] = static


def _serve(asset: Asset) -> Response:
    """The file in the best encoding the client accepts, immutable, answering If-None-Match."""
    encoding = compression.choose(request.headers.get("Accept-Encoding", ""))
    if encoding not in asset.bodies:
        encoding = None
    body = asset.bodies[encoding or "identity"]
    response = current_app.response_class(body, mimetype=asset.mimetype)
    response.headers["Cache-Control"] = IMMUTABLE
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if len(asset.bodies) > 1:
        response.vary.add("Accept-Encoding")
    response.set_etag(asset.etag, weak=encoding is not None)
    response.make_conditional(request)
    return response
