"""Response headers every answer carries: CSP, framing, sniffing, referrer, HSTS, caching; and
the host names the site answers to (TRUSTED_HOSTS).

Flask-Talisman writes the security headers (with a fresh CSP nonce per request, `csp_nonce()` in
templates); this module adds `Cache-Control: no-store` to whatever a signed-in person or an API
token holder receives, so drafts never sit in a shared or browser cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Request
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

from webapp.core.permissions import is_api_request
from webapp.extensions import talisman

# Scripts and styles come from our own static folder only; inline code needs the nonce.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Public API documents readers' tools may cache; everything else under /api/ may carry drafts.
CACHEABLE_API_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")


def trust_proxy(app: Flask) -> None:
    """Take the client's address and scheme from the proxy's headers (PROXY_FIX_HOPS of them).

    The outermost WSGI layer, wrapped last: every layer inside sees the corrected request.
    """
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def trusted_hosts(setting: str | list[str] | None, base_url: str) -> list[str] | None:
    """The host names the TRUSTED_HOSTS setting lets in (None: any host, for "*").

    Without a setting, the site answers to BASE_URL's host and to the loopback names that
    `make run` and the test client use; nothing else reaches a view, so no redirect, error
    page or cache key is ever built from a forged Host. Never an empty list: Werkzeug reads
    that as "any host".
    """
    if setting is None or isinstance(setting, list):
        return setting
    names = [name.strip().lower() for name in setting.split(",") if name.strip()]
    if names == ["*"]:
        return None
    if "*" in names:
        raise RuntimeError('TRUSTED_HOSTS: "*" stands alone (any host) or not at all.')
    if not names:
        names = [urlsplit(base_url).hostname or "", "127.0.0.1", "localhost"]
    return list(dict.fromkeys(name for name in names if name))


def host_trusted(app: Flask, environ: WSGIEnvironment) -> bool:
    """Whether the request's Host (after PROXY_FIX_HOPS) is one of TRUSTED_HOSTS."""
    try:
        get_host(environ, app.extensions["trusted_hosts"])
    except SecurityError:
        return False
    return True


def _refuse_untrusted_host() -> None:
    """400 for a Host the site does not answer to, before the domains' hooks and views."""
    if not host_trusted(current_app, request.environ):
        current_app.logger.info(
            "400: host %r is not in TRUSTED_HOSTS", request.environ.get("HTTP_HOST")
        )
        abort(400)


def init_app(app: Flask) -> None:
    # Flask 3.1's own TRUSTED_HOSTS check refuses while the request's URL adapter is built, so
    # the refusal has no adapter and our error page (which links to the site) cannot render;
    # the same Werkzeug matching runs in our own hook instead.
    app.extensions["trusted_hosts"] = trusted_hosts(
        app.config["TRUSTED_HOSTS"], app.config["BASE_URL"]
    )
    app.config["TRUSTED_HOSTS"] = None
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy; HSTS below tells browsers to stay on it
        strict_transport_security=app.config["HSTS"],
        strict_transport_security_max_age=365 * 24 * 3600,
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        session_cookie_http_only=True,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src", "style-src"],
    )
    # After Talisman's hook (the 400 page gets its CSP nonce like any answer), before every
    # hook and view of the domains.
    app.before_request(_refuse_untrusted_host)
    app.after_request(_no_store_for_private_answers)
    app.session_interface = PublicAnswerSessions()


class PublicAnswerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without `Vary: Cookie` on public answers to visitors who
    carry no session.

    Flask adds `Vary: Cookie` whenever a request looked at the session, and every page asks who
    is signed in; a shared cache would then keep one copy per cookie header (a CDN: none at all).
    A public answer (a reader page: `Cache-Control: public`) to a request without a session
    cookie is the same whatever other cookies it carries. A signed-in person's answers are
    `no-store` and keep `Vary: Cookie` (core.security); a proxy in front must not answer a
    request that carries the session or remember-me cookie from its cache (deploy notes).
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """A visitor without a session cookie gets an empty session without the signing
        serializer being built (a key derivation and four objects per request): most readers
        carry no cookie at all."""
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if (
            not session
            and not session.modified
            and response.cache_control.public
            and self.get_cookie_name(app) not in request.cookies
        ):
            return  # nothing to save, and nothing in the answer came from a session
        super().save_session(app, session, response)


def _no_store_for_private_answers(response: Response) -> Response:
    """Staff pages and token-authenticated answers are private: no cache may keep them.

    Static files are the same for everyone: they keep their cache headers, and asking who is
    signed in would load the session (two queries) for every stylesheet and script.
    """
    if request.endpoint == "static":
        return response
    private = (
        g.get("api_user") is not None
        or (is_api_request() and not request.path.startswith(CACHEABLE_API_PATHS))
        or current_user.is_authenticated
    )
    if private:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response
