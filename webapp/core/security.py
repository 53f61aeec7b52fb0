"""Response headers every answer carries: CSP, framing, sniffing, referrer, HSTS, caching.

Flask-Talisman writes the security headers (with a fresh CSP nonce per request, `csp_nonce()` in
templates); this module adds `Cache-Control: no-store` to whatever a signed-in person or an API
token holder receives, so drafts never sit in a shared or browser cache.
"""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask) -> None:
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
    app.after_request(_no_store_for_private_answers)


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
