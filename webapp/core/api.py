"""The JSON API blueprint (/api/v1): safe JSON input, If-Match, documented routes.

Each domain adds its routes in its own `api.py` (`accounts.api` authenticates bearer tokens);
errors become JSON through the app-level handler in `webapp.core.handlers`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.core.errors import BadRequest, PreconditionRequired
from webapp.core.schemas import INT32_MAX, parse
from webapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_JSON_DEPTH = 32

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])


def json_depth_ok(raw: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Scan once, outside strings, so a deeply nested body is refused before the parser recurses."""
    depth, in_string, escaped = 0, False, False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 400 that says why."""
    raw = request.get_data(cache=True)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None and limit and len(raw) >= limit:
        # A chunked body has no Content-Length for Werkzeug to refuse up front; it stops reading
        # at the limit, so a body that fills it was cut short: too large, not malformed.
        raise RequestEntityTooLarge()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(str(_l("The request body must be UTF-8 encoded JSON."))) from None
    if not json_depth_ok(text):
        raise BadRequest(
            str(_l("The JSON is nested too deeply (at most %(n)d levels).", n=MAX_JSON_DEPTH))
        )
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise BadRequest(str(_l("The request body must be a JSON object.")))
    return data


def json_body(model: type[M]) -> M:
    """The request body validated against `model` (422 with one message per bad field)."""
    return parse(model, json_object())


def required_if_match() -> int:
    """The version named by If-Match; 428 when the header is absent."""
    version = if_match_version()
    if version is None:
        raise PreconditionRequired(str(_l("Send If-Match with the version you edited.")))
    return version


def if_match_version() -> int | None:
    """The version named by If-Match ("3", '"3"' or 'W/"3"'), or None without the header."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isascii() or not value.isdigit() or int(value) > INT32_MAX:
        raise BadRequest(
            str(_l("If-Match must be the version number you edited.")), {"If-Match": raw[:100]}
        )
    return int(value)


def operation(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, type[BaseModel] | None] | None = None,
    if_match: str | None = None,
    body_type: str = "application/json",
    file_type: str | None = None,
) -> Callable[[F], F]:
    """Describe a route for the OpenAPI document (the schemas are the ones the route uses).

    `if_match` is "required" or "optional" when the route reads the If-Match header;
    `body_type` is the body's media type (multipart/form-data for uploads); `file_type` the
    media type of a 200 answer that is a file download rather than JSON.
    """

    def decorate(view: F) -> F:
        view.openapi = {  # type: ignore[attr-defined]
            "summary": summary,
            "body": body,
            "query": query,
            "responses": responses or {},
            "if_match": if_match,
            "body_type": body_type,
            "file_type": file_type,
        }
        return view

    return decorate
