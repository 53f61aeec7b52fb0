"""Text answers compressed (brotli or gzip) for clients that accept it, as a WSGI layer.

Why not Flask-Compress: it compresses in an after-request hook, so it never sees the reader
pages that `reader.cache.StoredPages` answers below Flask, and it would compress a stored page
again on every hit. This layer wraps the whole app instead: answers that arrive already encoded
(stored pages and fingerprinted static files, compressed once when kept) pass through untouched;
everything else (search, staff pages, the API, a page rendered afresh) is compressed here.

Rules: only text types (HTML, CSS, JS, JSON, XML, Atom, SVG, plain text), only bodies of known
length between COMPRESS_MIN_BYTES and MAX_BYTES (a streamed answer is never buffered), never an
answer with `Cache-Control: no-transform`, a partial one or one already encoded. Accept-Encoding
is read with its q-values (`br;q=0` refuses brotli; `*` stands for any other); brotli wins a tie.
An answer whose encoding depends on Accept-Encoding says so (`Vary: Accept-Encoding`), and an
encoded answer's ETag is weak (W/"..."): the same page in another encoding, which
If-None-Match (a weak comparison) still matches, so a 304 works as before.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import brotli
from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ENCODINGS = ("br", "gzip")  # in order of preference
TEXT_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/xml",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "application/atom+xml",
        "application/rss+xml",
        "image/svg+xml",
    }
)
MAX_BYTES = 8 * 1024 * 1024  # larger bodies (exports) go as they are, not held in memory twice
# Per answer: fast settings. Kept answers (compressed once, served many times): the smallest.
FAST = {"gzip": 6, "br": 5}
SMALLEST = {"gzip": 9, "br": 11}


def is_text(content_type: str | None) -> bool:
    """Whether a Content-Type is text worth compressing (`text/html; charset=utf-8`: yes)."""
    if not content_type:
        return False
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in TEXT_TYPES or kind.endswith(("+json", "+xml"))


def worth_compressing(content_type: str | None, size: int, min_bytes: int) -> bool:
    """A text body big enough that its encoding depends on Accept-Encoding."""
    return is_text(content_type) and min_bytes <= size <= MAX_BYTES


def choose(accept_encoding: str) -> str | None:
    """The encoding to send for an Accept-Encoding header: "br", "gzip" or None (identity)."""
    if not accept_encoding:
        return None
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _semi, params = part.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    quality = 0.0  # an unreadable weight is no consent
        if name == "x-gzip":
            name = "gzip"
        weights[name] = max(quality, weights.get(name, 0.0))
    best: tuple[float, int, str] | None = None
    for order, encoding in enumerate(ENCODINGS):
        quality = weights.get(encoding, weights.get("*", 0.0))
        if quality > 0 and (best is None or (-quality, order) < best[:2]):
            best = (-quality, order, encoding)
    return best[2] if best else None


def compress(body: bytes, encoding: str, levels: dict[str, int] = FAST) -> bytes:
    """`body` in `encoding`; gzip without a time stamp, so the same body gives the same bytes."""
    if encoding == "br":
        return bytes(brotli.compress(body, quality=levels["br"]))
    return gzip.compress(body, compresslevel=levels["gzip"], mtime=0)


def variants(body: bytes) -> dict[str, bytes]:
    """A body to keep: itself and each encoding, compressed once at the smallest settings."""
    return {"identity": body, **{enc: compress(body, enc, SMALLEST) for enc in ENCODINGS}}


def weak_etag(value: str) -> str:
    """An ETag made weak: `"abc"` -> `W/"abc"` (an encoded body is not byte-equal)."""
    return value if value.startswith("W/") else f"W/{value}"


def add_vary(headers: list[tuple[str, str]], field: str) -> list[tuple[str, str]]:
    """Headers with `field` in Vary (merged into an existing Vary header)."""
    out, found = [], False
    for key, value in headers:
        if key.lower() == "vary":
            found = True
            fields = [f.strip() for f in value.split(",") if f.strip()]
            if field.lower() not in (f.lower() for f in fields) and "*" not in fields:
                fields.append(field)
            value = ", ".join(fields)
        out.append((key, value))
    if not found:
        out.append(("Vary", field))
    return out


def encoded_headers(
    headers: list[tuple[str, str]], encoding: str | None, length: int
) -> list[tuple[str, str]]:
    """The headers of an answer sent in `encoding` (None: identity), with Vary: Accept-Encoding."""
    out = []
    for key, value in headers:
        lower = key.lower()
        if lower == "content-length" or (encoding and lower == "accept-ranges"):
            continue
        if encoding and lower == "etag":
            value = weak_etag(value)
        out.append((key, value))
    if encoding:
        out.append(("Content-Encoding", encoding))
    out.append(("Content-Length", str(length)))
    return add_vary(out, "Accept-Encoding")


class Compress:
    """WSGI layer: see the module docstring."""

    def __init__(self, wsgi_app: WSGIApplication, min_bytes: int) -> None:
        self.wsgi_app = wsgi_app
        self.min_bytes = min_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        encoding = choose(environ.get("HTTP_ACCEPT_ENCODING", ""))
        sent: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers, exc_info]
            return _refuse_write

        answer = self.wsgi_app(environ, capture)
        status, headers, exc_info = sent
        code = int(status.split(" ", 1)[0])
        named = {key.lower(): value for key, value in headers}
        if code == 304:
            start_response(status, self._not_modified(environ, headers, named, encoding), exc_info)
            return answer
        length = named.get("content-length")
        if (
            environ.get("REQUEST_METHOD") == "HEAD"
            or code < 200
            or code in (204, 206)
            or "content-encoding" in named
            or "no-transform" in named.get("cache-control", "").lower()
            or length is None
            or not length.isdigit()
            or not worth_compressing(named.get("content-type"), int(length), self.min_bytes)
        ):
            start_response(status, headers, exc_info)
            return answer
        if encoding is None:
            start_response(status, add_vary(headers, "Accept-Encoding"), exc_info)
            return answer
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        body = compress(body, encoding)
        start_response(status, encoded_headers(headers, encoding, len(body)), exc_info)
        return [body]

    @staticmethod
    def _not_modified(
        environ: WSGIEnvironment,
        headers: list[tuple[str, str]],
        named: dict[str, str],
        encoding: str | None,
    ) -> list[tuple[str, str]]:
        """A 304 names the copy the client holds: weak when its copy came encoded."""
        etag = named.get("etag")
        if encoding is None or not etag or etag.startswith("W/"):
            return headers
        if f"W/{etag}" not in environ.get("HTTP_IF_NONE_MATCH", ""):
            return headers
        weakened = [(k, weak_etag(v) if k.lower() == "etag" else v) for k, v in headers]
        return add_vary(weakened, "Accept-Encoding")


def _refuse_write(data: bytes) -> None:
    raise RuntimeError("the app wrote through start_response's write(); return the body instead")


def init_app(app: Flask) -> None:
    """Wrap the app (after every other layer but the proxy fix) unless COMPRESS is off."""
    if app.config["COMPRESS"]:
        app.wsgi_app = Compress(  # type: ignore[method-assign]
            app.wsgi_app, int(app.config["COMPRESS_MIN_BYTES"])
        )
