"""Reader pages kept ready: anonymous readers get a stored answer until readers' content changes.

What is cached: the 200 answers of the pages rendered from published snapshots (home, lists,
archive, tags, a summary, the feed, the sitemap) to GET and HEAD requests that carry no session
and no remember-me cookie, from nobody signed in. Staff, previews, POSTs and any request with a
session always render afresh and never store (a session may hold flash messages or a CSRF token
that the page would show). Search is not cached: every query string would be a key, so a crawler
could push the hot pages out, and its indexed queries are cheap.

The key is the markup version, the public site's *generation*, the locale, the path and the
query string. The generation (`services.generation`) is read from the database on every request
in one statement of primary-key maxima (newest snapshot, withdrawal, renamed address, and the
audit events of topic renames): every change a reader can see adds one of those rows. Why not
purge on publish instead:

- with several worker processes, each with its own in-process cache, and several machines, a
  purge in one process reaches none of the others; the database is the one thing they all read;
- a purge after commit can be lost (the process dies in between), and a reader who read the old
  rows just before the commit could store them just after the purge; a stale page would stay;
- a counter in Redis needs the same after-commit hook and would be a second source of truth,
  and the default set-up has no Redis.

Reading the generation *before* the page's rows means a stored page is never older than its key.
Publishing, withdrawing and renaming take a lock (`services.order_public_change`) so that on
PostgreSQL their new ids follow commit order too; SQLite has one writer at a time. Entries of an
old generation are never read again; they expire (CACHE_DEFAULT_TIMEOUT) or are evicted
(CACHE_THRESHOLD). A changed template bumps the markup version (views.PAGE_MARKUP_VERSION).
A page may be cached only if everything it shows comes from snapshots or is part of the
generation: anything else read live would go stale until the entry expires.

The stored answer is the view's own (status, body, Content-Type, ETag, Last-Modified, Vary),
taken before the after-request hooks; those run on every answer, cached or not, so the CSP
header with its fresh nonce, the locale cookie, Cache-Control and the request id are never
stored. Reader pages have no inline script or style, so they print no nonce; should a template
ever print `csp_nonce()`, the stored body holds a mark in its place and each answer gets its own
response's nonce. Every cached page has an ETag (the view's, or a hash of the body), so a
revalidating reader gets 304 without anything being rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user

from webapp.extensions import cache, db
from webapp.publishing import services as publishing

F = TypeVar("F", bound=Callable[..., Any])
# Stands for the response's CSP nonce in a stored body; escaped page text cannot contain "<".
NONCE_MARK = b"<csp-nonce>"
# Headers set by the view that belong to the page; everything else is per response.
_DROPPED = frozenset({"content-length", "set-cookie"})


def init_app(app: Flask) -> None:
    """In-process by default, Redis when CACHE_REDIS_URL is set, nothing when READER_CACHE=0."""
    if not app.config["READER_CACHE"]:
        backend = "NullCache"
    elif app.config["CACHE_REDIS_URL"]:
        backend = "RedisCache"
    else:
        backend = "SimpleCache"
    cache.init_app(app, config={"CACHE_TYPE": backend, "CACHE_NO_NULL_WARNING": True})


def reader_page(markup_version: str) -> Callable[[F], F]:
    """Serve a reader page from the cache, or render it and store it, for anonymous readers."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not _cacheable_request():
                return view(*args, **kwargs)
            key = _key(markup_version)
            entry = _get(key)
            if entry is not None:
                return _answer(entry)
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                if response.get_etag()[0] is None:
                    response.add_etag()
                _set(key, _entry(response))
                _conditional(response)
            return response

        return wrapper  # type: ignore[return-value]

    return decorate


def _cacheable_request() -> bool:
    """A GET or HEAD from an anonymous reader without a session: nothing personal on the page."""
    if not current_app.config["READER_CACHE"] or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.cookies
    if current_app.config["SESSION_COOKIE_NAME"] in cookies:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
        return False
    return not current_user.is_authenticated


def _key(markup_version: str) -> str:
    # Its own short connection: a page served from the cache never opens the ORM session.
    with db.engine.connect() as connection:
        generation = ".".join(str(n) for n in publishing.generation(connection))
    locale = g.get("locale") or get_locale()
    query = request.query_string.decode("latin-1")
    return f"page:{markup_version}:{generation}:{locale}:{request.path}?{query}"


def _conditional(response: Response) -> None:
    """304 when the reader's copy is current (only asked when the request is conditional: the
    check also stamps a Date header, which gunicorn adds anyway)."""
    if request.if_none_match or request.if_modified_since:
        response.make_conditional(request)


def _entry(response: Response) -> tuple[int, list[tuple[str, str]], bytes, bool]:
    body = response.get_data()
    nonce = (getattr(request, "csp_nonce", "") or "").encode()
    marked = bool(nonce) and nonce in body
    if marked:
        body = body.replace(nonce, NONCE_MARK)
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _DROPPED]
    return response.status_code, headers, body, marked


def _answer(entry: tuple[int, list[tuple[str, str]], bytes, bool]) -> Response:
    status, headers, body, marked = entry
    if marked:
        body = body.replace(NONCE_MARK, getattr(request, "csp_nonce", "").encode())
    response = current_app.response_class(body, status=status, headers=headers)
    _conditional(response)
    return response


def _get(key: str) -> Any:
    """The stored answer; a cache that cannot be reached means rendering afresh, never failing."""
    try:
        return cache.get(key)
    except Exception:  # the backend's own errors (Redis down, timeouts) are not ours to type
        current_app.logger.warning("reader page cache unavailable", exc_info=True)
        return None


def _set(key: str, entry: tuple[int, list[tuple[str, str]], bytes, bool]) -> None:
    try:
        cache.set(key, entry)
    except Exception:
        current_app.logger.warning("reader page cache unavailable", exc_info=True)
