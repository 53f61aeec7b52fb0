"""Reader pages kept ready: anonymous readers get a stored answer until readers' content changes.

What is cached: the 200 answers of the pages rendered from published snapshots (home, lists,
archive, tags, a summary, the feed, the sitemap) to GET and HEAD requests that carry no session
and no remember-me cookie, from nobody signed in. Staff, previews, POSTs and any request with a
session always render afresh and never store (a session may hold flash messages or a CSRF token
that the page would show). Search answers are kept too, but apart: every query string is a key,
so a crawler could push the hot pages out of a shared store; they go to a small store of each
process's own (`search_store`, READER_SEARCH_ENTRIES), where the popular queries stay and the
rest churn.

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
(CACHE_THRESHOLD). A changed template bumps the markup version (PAGE_MARKUP_VERSION, below).
A page may be cached only if everything it shows comes from snapshots or is part of the
generation: anything else read live would go stale until the entry expires.

The stored answer is the view's own (status, body, Content-Type, ETag, Last-Modified, Vary),
taken before the after-request hooks; those run on every answer, cached or not, so the CSP
header with its fresh nonce, Cache-Control and the request id are never stored. Reader pages
have no inline script or style, so they print no nonce; should a template
ever print `csp_nonce()`, the stored body holds a mark in its place and each answer gets its own
response's nonce. Every cached page has an ETag (the view's, or a hash of the body), so a
revalidating reader gets 304 without anything being rendered.

Below Flask: `StoredPages`, a WSGI layer, answers a plain GET of a /<locale>/ page from an
anonymous reader (no session, nothing conditional; a first visit or a returning reader alike,
since reader pages set no cookie) with the *whole* answer kept from the last time Flask sent it,
headers included, without entering Flask: no hooks, no extensions, no session, no rendering.
Most reader traffic is that request, and the app's stack cost several times the page itself
(bench/RESULTS.md). It reads the same generation, so it is exactly as fresh as the rest; what
is per response is made afresh: the CSP nonce (header and page), the request id, the request
metrics. Everything else (If-None-Match; HEAD; anything with a session) goes through Flask and
the decorator above, which also tells the layer what it may keep.

Both keep a text body together with its brotli and gzip forms, compressed once when the answer
is stored (core.compression), and send the one the reader's Accept-Encoding asks for, with a
weak ETag and `Vary: Accept-Encoding`. A body that holds the nonce mark is kept only as it is
(each answer's nonce goes into it; core.compression compresses that answer on its way out).

Shared caches: the stored answer's headers include the view's Cache-Control (public, with
s-maxage; reader.views), so a CDN may keep it too. The CSP nonce in a kept header is then the
same for every reader of that copy; harmless while no reader page prints the nonce, and a page
that does answers `private` instead (reader.views), so no shared cache keeps it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Flask, Response, current_app, g, has_app_context, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from webapp.core import compression, logs, metrics
from webapp.core.locales import LOCALES
from webapp.core.security import host_trusted
from webapp.extensions import cache, db
from webapp.publishing import services as publishing

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

F = TypeVar("F", bound=Callable[..., Any])
# Stands for the response's CSP nonce in a stored body; escaped page text cannot contain "<".
NONCE_MARK = b"<csp-nonce>"
# Headers set by the view that belong to the page; everything else is per response.
_DROPPED = frozenset({"content-length", "set-cookie"})
# Per-response headers of a whole answer, made afresh each time it is served.
_FRESH = frozenset({"content-length", "set-cookie", "x-request-id", "date"})
# Talisman's nonce: 32 URL-safe characters.
NONCE_LENGTH = 32
# The markup of reader pages: bump it when a template changes, so no page made with the old
# markup is served again.
PAGE_MARKUP_VERSION = "reader-5"

# What the decorator leaves in the WSGI environ for StoredPages: the generation it read...
GENERATION_ENV = "kakehashi.generation"
# ...and, when the answer may be kept whole: (its key, endpoint, the CSP nonce it printed).
KEEP_ENV = "kakehashi.keep_page"


def init_app(app: Flask) -> None:
    """In-process by default, Redis when CACHE_REDIS_URL is set, nothing when READER_CACHE=0."""
    if not app.config["READER_CACHE"]:
        backend = "NullCache"
    elif app.config["CACHE_REDIS_URL"]:
        backend = "RedisCache"
    else:
        backend = "SimpleCache"
    cache.init_app(app, config={"CACHE_TYPE": backend, "CACHE_NO_NULL_WARNING": True})
    if app.config["READER_CACHE"]:
        app.wsgi_app = StoredPages(app, app.wsgi_app)  # type: ignore[method-assign]


PAGES = "pages"  # the shared cache (in-process or Redis)
SEARCH = "search"  # each process's own small store of search answers


def reader_page(markup_version: str, store: str = PAGES) -> Callable[[F], F]:
    """Serve a reader page from the cache, or render it and store it, for anonymous readers.

    `store`: PAGES, the shared cache; SEARCH, a small store of each process's own
    (`search_store`) for answers whose key is the reader's query: only the most asked keep
    their place, and they never push the site's pages out of the shared cache.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not _cacheable_request():
                return view(*args, **kwargs)
            key = _key(markup_version)
            request.environ[KEEP_ENV] = (
                key,
                request.endpoint,
                getattr(request, "csp_nonce", "") or "",
            )
            backend = _store(current_app, store)
            entry = _get(backend, key)
            if entry is not None:
                return _answer(entry)
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                if response.get_etag()[0] is None:
                    response.add_etag()
                _set(backend, key, _entry(response))
                _conditional(response)
            return response

        wrapper.reader_page = store  # type: ignore[attr-defined]  # StoredPages: may be kept
        return wrapper  # type: ignore[return-value]

    return decorate


def _store(app: Flask, store: str) -> Any:
    """The backend of a store: Flask-Caching's for PAGES, the process's own for SEARCH."""
    if store == SEARCH:
        return search_store(app)
    return app.extensions["cache"][cache]


def search_store(app: Flask) -> Any:
    """Search answers, in this process, at most READER_SEARCH_ENTRIES of them (256 by
    default; the least recently stored go first). Keyed by the generation like every page,
    so a publish is seen at once by every process without any purge; a crawler's endless
    queries only churn this store."""
    store = app.extensions.get("reader_search_store")
    if store is None:
        from cachelib import NullCache, SimpleCache

        store = app.extensions.setdefault(
            "reader_search_store",
            SimpleCache(
                threshold=int(app.config["READER_SEARCH_ENTRIES"]),
                default_timeout=int(app.config["CACHE_DEFAULT_TIMEOUT"]),
            )
            if app.config["READER_CACHE"]
            else NullCache(),
        )
    return store


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
    locale = g.get("locale") or get_locale()
    query = request.query_string.decode("latin-1")
    return page_key(markup_version, request_generation(), str(locale), request.path, query)


def request_generation() -> str:
    """The public site's generation as this request sees it, read once per request: by
    StoredPages, else here before the page's rows (see the module docstring)."""
    generation = request.environ.get(GENERATION_ENV)
    if generation is None:
        # On the thread's own driver connection: a page served from the cache never opens the
        # ORM session, and no page pays a pool checkout for one statement.
        generation = generation_reader(current_app).read()
        request.environ[GENERATION_ENV] = generation
    return generation


def generation_reader(app: Flask) -> GenerationReader:
    """The app's one GenerationReader (made on first use)."""
    reader = app.extensions.get("reader_generation")
    if reader is None:
        reader = app.extensions.setdefault("reader_generation", GenerationReader(app))
    return reader


class GenerationReader:
    """`publishing.generation`, read on the calling thread's own connection in autocommit mode.

    A pool checkout and its reset cost more than the statement, and so does SQLAlchemy's
    execution path (measured in-process: 170-330 us against 12-36 us for the statement on the
    driver), so each thread keeps one driver connection of its own, taken out of the pool, and
    runs the compiled statement on it; autocommit, so it never holds a snapshot open. A
    connection that fails is dropped and made afresh on the next read. Used by StoredPages
    and by every page that reads the generation through Flask (the cache's key, the ETag).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Any] = []

    def read(self) -> str:
        """The generation; a database that cannot answer raises SQLAlchemy's DBAPIError (as
        every other read does), so the outage handling answers 503 with Retry-After."""
        engine = self._engine()
        try:
            return self._read(engine)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa_exc.DBAPIError.instance(
                "generation", None, exc, engine.dialect.loaded_dbapi.Error, dialect=engine.dialect
            ) from exc

    def _read(self, engine: Any) -> str:
        mine = self._local.__dict__
        if mine.get("pid") != os.getpid():  # none yet on this thread, or inherited over fork
            fairy = engine.raw_connection()
            fairy.detach()
            connection = fairy.dbapi_connection
            engine.dialect.set_isolation_level(connection, "AUTOCOMMIT")
            sql = publishing.GENERATION_QUERY.compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
            mine.update(pid=os.getpid(), connection=connection, sql=str(sql))
            with self._lock:
                if not event.contains(engine, "engine_disposed", self._close_connections):
                    event.listen(engine, "engine_disposed", self._close_connections)
                self._opened.append(connection)
        try:
            cursor = mine["connection"].cursor()
            cursor.execute(mine["sql"])
            row = cursor.fetchone()
            cursor.close()
        except Exception:
            mine.clear()
            raise
        return _dotted(tuple(n or 0 for n in row or ()))

    def _close_connections(self, engine: Any) -> None:
        """The engine was disposed (shut-down, tests): its connections go, these too."""
        with self._lock:
            opened, self._opened[:] = list(self._opened), []
            self._local = threading.local()
        for connection in opened:
            with contextlib.suppress(Exception):  # already broken: nothing to release
                connection.close()

    def _engine(self) -> Any:
        if has_app_context() and current_app._get_current_object() is self.app:  # type: ignore[attr-defined]
            return db.engine
        with self.app.app_context():
            return db.engine


def page_key(markup_version: str, generation: str, locale: str, path: str, query: str) -> str:
    """One key format for the decorator and the WSGI layer."""
    return f"page:{markup_version}:{generation}:{locale}:{path}?{query}"


def _dotted(generation: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in generation)


def _conditional(response: Response) -> None:
    """304 when the reader's copy is current (only asked when the request is conditional: the
    check also stamps a Date header, which gunicorn adds anyway)."""
    if request.if_none_match or request.if_modified_since:
        response.make_conditional(request)


Entry = tuple[int, list[tuple[str, str]], dict[str, bytes], bool]  # status, headers, bodies, marked


def _entry(response: Response) -> Entry:
    body = response.get_data()
    nonce = (getattr(request, "csp_nonce", "") or "").encode()
    marked = bool(nonce) and nonce in body
    if marked:
        body = body.replace(nonce, NONCE_MARK)
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _DROPPED]
    return response.status_code, headers, _bodies(current_app, response.content_type, body), marked


def _bodies(app: Flask, content_type: str | None, body: bytes) -> dict[str, bytes]:
    """The body to keep, and its compressed forms where they pay (compressed once, here). A
    body that holds the nonce mark is kept as it is: each answer's nonce goes into it."""
    if (
        not app.config["COMPRESS"]
        or NONCE_MARK in body
        or not compression.worth_compressing(
            content_type, len(body), int(app.config["COMPRESS_MIN_BYTES"])
        )
    ):
        return {"identity": body}
    return compression.variants(body)


def _answer(entry: Entry) -> Response:
    status, headers, bodies, marked = entry
    encoding = _encoding(bodies, request.headers.get("Accept-Encoding", ""))
    body = bodies[encoding or "identity"]
    if marked:
        body = body.replace(NONCE_MARK, getattr(request, "csp_nonce", "").encode())
    if len(bodies) > 1:
        headers = compression.encoded_headers(headers, encoding, len(body))
    response = current_app.response_class(body, status=status, headers=headers)
    _conditional(response)
    return response


def _encoding(bodies: dict[str, bytes], accept_encoding: str) -> str | None:
    """The kept encoding to send for this Accept-Encoding (None: the body as it is)."""
    if len(bodies) == 1:
        return None
    encoding = compression.choose(accept_encoding)
    return encoding if encoding in bodies else None


def _get(backend: Any, key: str) -> Any:
    """The stored answer; a cache that cannot be reached means rendering afresh, never failing."""
    try:
        return backend.get(key)
    except Exception:  # the backend's own errors (Redis down, timeouts) are not ours to type
        current_app.logger.warning("reader page cache unavailable", exc_info=True)
        return None


def _set(backend: Any, key: str, entry: Entry) -> None:
    try:
        backend.set(key, entry)
    except Exception:
        current_app.logger.warning("reader page cache unavailable", exc_info=True)


# endpoint, status, headers, bodies by encoding
Whole = tuple[str, str, list[tuple[str, str]], dict[str, bytes]]


class StoredPages:
    """WSGI layer: returning anonymous readers' GETs answered from whole stored answers.

    See the module docstring. Whatever this layer cannot answer, or fails at (database or cache
    unreachable), goes to Flask unchanged, which then answers or reports it as usual.
    """

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.markup_version = PAGE_MARKUP_VERSION
        self.prefixes = {f"/{locale}/": locale for locale in LOCALES}
        self.private_cookies = (
            app.config["SESSION_COOKIE_NAME"],
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )
        self._stores: dict[str, str | None] | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        locale = self._anonymous_reader(environ)
        if locale is None:
            return self.wsgi_app(environ, start_response)
        store = self._page_stores().get(environ.get("PATH_INFO", "")[4:], PAGES)
        if store is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        try:
            generation = self._generation()
            key = page_key(
                self.markup_version,
                generation,
                locale,
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
            )
            whole = _store(self.app, store).get(_whole_key(key, environ))
        except Exception:  # database or cache trouble: Flask answers and reports it
            self.app.logger.warning("stored reader pages unavailable", exc_info=True)
            return self.wsgi_app(environ, start_response)
        if whole is not None:
            return self._serve(whole, environ, start_response, started)
        environ[GENERATION_ENV] = generation
        return self._render_and_keep(environ, start_response)

    def _anonymous_reader(self, environ: WSGIEnvironment) -> str | None:
        """The page's locale, for a plain GET of a /<locale>/ page that carries no session (a
        first visit or a returning reader alike: the URL names the language); else None."""
        if environ.get("REQUEST_METHOD") != "GET" or not host_trusted(self.app, environ):
            return None  # Flask answers (an untrusted Host: 400)
        path = environ.get("PATH_INFO", "")
        locale = self.prefixes.get(path[:4])
        if locale is None or "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            return None
        cookies = _cookies(environ.get("HTTP_COOKIE", "")) if "HTTP_COOKIE" in environ else {}
        if any(name in cookies for name in self.private_cookies):
            return None
        return locale

    def _page_stores(self) -> dict[str, str | None]:
        """The fixed /<locale>/ addresses (without the prefix) and the store their answers
        are kept in (SEARCH for search), or None for views that are not reader pages; found in
        the URL map once, when every route is registered. Other addresses: PAGES."""
        if self._stores is None:
            self._stores = {
                rule.rule.removeprefix("/<locale>/"): getattr(
                    self.app.view_functions.get(rule.endpoint), "reader_page", None
                )
                for rule in self.app.url_map.iter_rules()
                if rule.rule.startswith("/<locale>/") and rule.arguments == {"locale"}
            }
        return self._stores

    def _generation(self) -> str:
        return generation_reader(self.app).read()

    def _serve(
        self,
        whole: Whole,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        started: float,
    ) -> Iterable[bytes]:
        endpoint, status, headers, bodies = whole
        encoding = _encoding(bodies, environ.get("HTTP_ACCEPT_ENCODING", ""))
        body = bodies[encoding or "identity"]
        nonce = secrets.token_urlsafe(NONCE_LENGTH)[:NONCE_LENGTH].encode()
        body = body.replace(NONCE_MARK, nonce)  # a marked body is only ever kept as it is
        text_nonce = nonce.decode()
        fresh = [(k, v.replace(_NONCE_TEXT, text_nonce)) for k, v in headers]
        if len(bodies) > 1:
            fresh = compression.encoded_headers(fresh, encoding, len(body))
        else:
            fresh.append(("Content-Length", str(len(body))))
        fresh.append((logs.HEADER, logs.request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))))
        start_response(status, fresh)
        metrics.observe_request(endpoint, "GET", 200, time.perf_counter() - started)
        return [body]

    def _render_and_keep(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Let Flask answer; keep the whole answer when the decorator said it may."""
        sent: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        answer = self.wsgi_app(environ, capture)
        keep = environ.get(KEEP_ENV)
        if keep is None or not sent or not sent[0].startswith("200 "):
            return answer
        if any(k.lower() == "set-cookie" for k, _v in sent[1]):
            return answer
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        key, endpoint, nonce = keep
        store = self._page_stores().get(environ.get("PATH_INFO", "")[4:], PAGES) or PAGES
        kept_body = body.replace(nonce.encode(), NONCE_MARK) if nonce else body
        headers = [
            (k, v.replace(nonce, _NONCE_TEXT) if nonce else v)
            for k, v in sent[1]
            if k.lower() not in _FRESH
        ]
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        bodies = _bodies(self.app, content_type, kept_body)
        try:
            _store(self.app, store).set(
                _whole_key(key, environ), (endpoint, sent[0], headers, bodies)
            )
        except Exception:
            self.app.logger.warning("stored reader pages unavailable", exc_info=True)
        return [body]


_NONCE_TEXT = NONCE_MARK.decode()


def _cookies(header: str) -> dict[str, str]:
    """Cookie names and raw values, split plainly (werkzeug's parser costs more than the rest
    of a stored answer). A quoted or odd value only fails to match, so Flask answers."""
    pairs = (part.partition("=") for part in header.split(";"))
    return {name.strip(): value.strip() for name, _eq, value in pairs}


def _whole_key(key: str, environ: WSGIEnvironment) -> str:
    """A whole answer also depends on the scheme (HSTS is sent over HTTPS only)."""
    return f"whole:{environ.get('wsgi.url_scheme', 'http')}:{key}"
