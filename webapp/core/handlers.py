"""One mapping from errors to answers: JSON for the API, a localized page for people.

Domain errors carry their status (`webapp.core.errors`); HTTP errors raised by Flask or Werkzeug
(404, 405, 413, CSRF) are answered the same way, so no view maps errors by hand.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import exc as orm_exc
from werkzeug.exceptions import HTTPException

from webapp.core import outage
from webapp.core.errors import DomainError, NotFound
from webapp.core.permissions import is_api_request
from webapp.extensions import db


def prefers_json() -> bool:
    """The API, or a page's own script asking for JSON (inline saving)."""
    return is_api_request() or request.accept_mimetypes.best == "application/json"


def _page_text(status: int) -> tuple[str, str]:
    """Heading and explanation for an error page, in the page's language."""
    if status == 401:
        return _("Please sign in"), _("This page is for staff; sign in to continue.")
    if status == 403:
        return _("Not allowed"), _(
            "Your account does not have the role this page needs. Ask an administrator if you "
            "think it should."
        )
    if status == 404:
        return _("Page not found"), _("There is nothing at this address.")
    if status == 405:
        return _("Not allowed"), _("This address does not accept that kind of request.")
    if status == 413:
        return _("Too large"), _("What you sent is larger than this site accepts.")
    if status == 429:
        return _("Too many attempts"), _(
            "Too many attempts in a short time. Wait a few minutes, then try again."
        )
    return _("The request could not be handled"), _(
        "Something in the request was not valid. Go back and try again."
    )


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    heading, default = _page_text(status)
    return render_template("errors/page.html", heading=heading, message=message or default), status


def _domain_error(exc: DomainError) -> Any:
    db.session.rollback()
    if prefers_json():
        return jsonify(exc.body()), exc.status
    return error_page(exc.status, exc.message or None)


def _csrf_error(exc: CSRFError) -> Any:
    message = _(
        "The form expired or did not come from this site. Go back, reload the page and "
        "try again; nothing was saved."
    )
    if prefers_json():
        return jsonify({"error": message, "fields": {}}), 400
    return render_template(
        "errors/page.html", heading=_("The form could not be sent"), message=message
    ), 400


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    if status < 400 or status >= 500:
        return exc  # redirects and server errors keep Werkzeug's answer
    # Werkzeug's headers stay (Allow on a 405, Retry-After where it gives one); the body is ours.
    kept = [(name, value) for name, value in exc.get_headers() if name.lower() != "content-type"]
    if is_api_request():
        heading, message = _page_text(status)
        return jsonify({"error": message, "fields": {}}), status, kept
    page, status = error_page(status)
    return page, status, kept


def _server_error(exc: Exception) -> Any:
    """A fault of ours: a short apology in the URL's language, never a stack trace."""
    db.session.rollback()
    message = _("Something went wrong on our side. Please try again in a few minutes.")
    if is_api_request():
        return jsonify({"error": message, "fields": {}}), 500
    try:
        page = render_template(
            "errors/page.html", heading=_("Something went wrong"), message=message
        )
    except Exception:  # the page itself failed (database down?): plain text still answers
        return message, 500, {"Content-Type": "text/plain; charset=utf-8"}
    return page, 500


def _database_error(exc: Exception) -> Any:
    """The database is away (restart, lock held too long): 503 and when to try again.

    Nothing was saved: the transaction never committed, so sending the same request again is
    safe. Any other database error goes on as a fault of ours (logged, 500).
    """
    why = outage.reason(exc)
    if why is None:
        raise exc
    _discard_session()
    logging.getLogger("webapp").warning(
        "503 for %s %s: database %s (%s)", request.method, request.path, why, type(exc).__name__
    )
    message = _(
        "The service is briefly unavailable. Nothing was lost; please try again in a moment."
    )
    headers = {"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])}
    if prefers_json():
        return jsonify({"error": message, "fields": {}, "reason": why}), 503, headers
    try:  # the page may need the database itself (the signed-in user): plain text still answers
        page = render_template(
            "errors/page.html", heading=_("Briefly unavailable"), message=message
        )
    except Exception:  # noqa: BLE001
        _discard_session()
        headers["Content-Type"] = "text/plain; charset=utf-8"
        return message, 503, headers
    return page, 503, headers


def _deleted_meanwhile(exc: orm_exc.ObjectDeletedError) -> Any:
    """What this request was working on was deleted by another one as it ran: 404, as it would
    have been a moment later (an ORM object read again after a commit found no row)."""
    _discard_session()
    return _domain_error(NotFound(_("This was deleted meanwhile by someone else.")))


def _discard_session() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection may refuse even that; the pool drops it
        logging.getLogger("webapp").debug("rollback after a database error failed", exc_info=True)


def init_app(app: Flask) -> None:
    app.register_error_handler(sa_exc.OperationalError, _database_error)
    app.register_error_handler(sa_exc.InterfaceError, _database_error)
    app.register_error_handler(sa_exc.TimeoutError, _database_error)
    app.register_error_handler(orm_exc.ObjectDeletedError, _deleted_meanwhile)
    app.register_error_handler(500, _server_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
