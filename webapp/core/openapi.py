"""The OpenAPI 3.1 document of the JSON API, built from the routes and their schemas.

Routes describe themselves with `core.api.operation(...)`; the JSON Schemas come from the same
pydantic models that validate and serialise, so the document cannot drift from the code.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from flask import Flask, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from webapp.core.api import bp
from webapp.core.permissions import Permission, public
from webapp.core.schemas import ID_MAX, ErrorOut

_ARG = re.compile(r"<(?:(?P<conv>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
ERROR_STATUSES = {
    400: "The body or a header cannot be read",
    401: "No valid API token",
    403: "Your role does not allow this",
    404: "No such object",
    409: "Conflicts with the current state (see `current` or `missing`)",
    412: "The version in If-Match is no longer current",
    413: "The body is too large",
    422: "Some fields are not valid (see `fields`)",
    428: "Send If-Match with the version you edited",
    503: "The database is briefly unavailable; nothing was saved; send again after Retry-After",
}
# Errors only some routes give: a route lists them in its responses, with ErrorOut as the body.
ROUTE_ERRORS = {507: "The photo store is full; nothing was saved"}


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """Werkzeug rule -> OpenAPI path and its path parameters."""
    params = []
    for m in _ARG.finditer(rule):
        integer = m["conv"] in ("id", "int")
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 1, "maximum": ID_MAX} if integer else {"type": "string"}
        )
        params.append({"name": m["name"], "in": "path", "required": True, "schema": schema})
    return _ARG.sub(lambda m: "{" + m["name"] + "}", rule), params


def build_document(app: Flask) -> dict[str, Any]:
    """Walk the API's routes and assemble paths and component schemas."""
    ops = []
    Mode = Literal["validation", "serialization"]
    models: set[tuple[type[BaseModel], Mode]] = {(ErrorOut, "serialization")}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        meta = getattr(view, "openapi", None)
        if not rule.endpoint.startswith("api.") or meta is None:
            continue
        ops.append((rule, view, meta))
        if meta["body"]:
            models.add((meta["body"], "validation"))
        models.update((m, "serialization") for m in meta["responses"].values() if m)
    refs, defs = models_json_schema(
        sorted(models, key=lambda m: (m[0].__name__, m[1])),
        ref_template="#/components/schemas/{model}",
    )
    error_ref = refs[(ErrorOut, "serialization")]
    paths: dict[str, dict[str, Any]] = {}
    for rule, view, meta in ops:
        path, params = _path(rule.rule)
        if meta["query"] is not None:
            schema = meta["query"].model_json_schema()
            for name, prop in schema.get("properties", {}).items():
                params.append({"name": name, "in": "query", "required": False, "schema": prop})
        if meta["if_match"]:
            params.append(
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": meta["if_match"] == "required",
                    "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,10}"?$'},
                    "description": "The version you edited.",
                }
            )
        is_public = getattr(view, "permission", None) == Permission.PUBLIC
        responses: dict[str, Any] = {}
        for status, model in sorted(meta["responses"].items()):
            if model is None and meta.get("file_type") and status == 200:  # a download
                responses[str(status)] = {
                    "description": "OK",
                    "content": {
                        meta["file_type"]: {"schema": {"type": "string", "format": "binary"}}
                    },
                }
                continue
            if model is None:  # 204: no body
                responses[str(status)] = {"description": "Done"}
                continue
            content = {"application/json": {"schema": refs[(model, "serialization")]}}
            description = ROUTE_ERRORS.get(status, "OK")
            responses[str(status)] = {"description": description, "content": content}
        for status, text in ERROR_STATUSES.items():
            if status == 428 and meta["if_match"] != "required":
                continue
            if status == 412 and not meta["if_match"]:  # an optional If-Match can be stale too
                continue
            responses[str(status)] = {
                "description": text,
                "content": {"application/json": {"schema": error_ref}},
            }
        operation: dict[str, Any] = {
            "operationId": rule.endpoint.removeprefix("api."),
            "summary": str(meta["summary"]),
            "parameters": params,
            "responses": responses,
            "security": [] if is_public else [{"bearerAuth": []}],
        }
        if meta["body"] is None and meta["body_type"] != "application/json":  # a file as is
            operation["requestBody"] = {
                "required": True,
                "content": {meta["body_type"]: {"schema": {"type": "string"}}},
            }
        if meta["body"] is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    meta.get("body_type", "application/json"): {
                        "schema": refs[(meta["body"], "validation")]
                    }
                },
            }
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kakehashi API",
            "version": "1",
            "description": "Bilingual meeting summaries: write, machine-draft, review, publish.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
@public
def openapi_json() -> ResponseReturnValue:
    return jsonify(build_document(current_app))


def describe(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """One property's rules in the reader's words ("text, at most 300 characters")."""
    if "$ref" in prop:
        return _("an object (%(name)s, below)", name=prop["$ref"].rsplit("/", 1)[-1])
    if "anyOf" in prop:
        kinds = [describe(p, defs) for p in prop["anyOf"] if p.get("type") != "null"]
        nullable = any(p.get("type") == "null" for p in prop["anyOf"])
        text = _(" or ").join(kinds)
        return _("%(rules)s, or null", rules=text) if nullable else text
    kind = prop.get("type")
    parts: list[str] = []
    if "enum" in prop:
        parts.append(_("one of: %(values)s", values=", ".join(map(str, prop["enum"]))))
    elif kind == "string" and prop.get("format") == "date":
        parts.append(_("a date, YYYY-MM-DD"))
    elif kind == "string":
        parts.append(_("text"))
        if prop.get("minLength"):
            parts.append(_("required, not blank"))
        if "maxLength" in prop:
            parts.append(_("at most %(n)d characters", n=prop["maxLength"]))
        if "pattern" in prop:
            parts.append(_("matching %(pattern)s", pattern=prop["pattern"]))
    elif kind == "integer":
        parts.append(
            _(
                "a whole number from %(lo)d to %(hi)d",
                lo=prop.get("minimum", 0),
                hi=prop.get("maximum", 2**31 - 1),
            )
        )
    elif kind == "boolean":
        parts.append(_("true or false"))
    elif kind == "array":
        parts.append(_("a list of %(items)s", items=describe(prop.get("items", {}), defs)))
        if "maxItems" in prop:
            parts.append(_("at most %(n)d items", n=prop["maxItems"]))
    elif kind == "object":
        parts.append(_("an object"))
    if "default" in prop and prop["default"] not in (None, "", []):
        parts.append(_("default %(value)s", value=prop["default"]))
    return ", ".join(parts) or _("any value")


def _fields(schema: dict[str, Any], defs: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """Rows of (field, required, rules) for a request body or one of its objects."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    return [
        (name, name in required, describe(prop, defs))
        for name, prop in schema.get("properties", {}).items()
    ]


@bp.get("/docs")
@public
def docs() -> ResponseReturnValue:
    """The same document, readable: operations, parameters and each body field's rules."""
    document = build_document(current_app)
    defs = document["components"]["schemas"]
    bodies = {}
    for methods in document["paths"].values():
        for op in methods.values():
            body = next(iter(op.get("requestBody", {}).get("content", {}).values()), None)
            if body:
                bodies[op["operationId"]] = _fields(body["schema"], defs)
    nested = {name: _fields(defs[name], defs) for name in ("Participant", "Quote") if name in defs}
    return render_template(
        "api_docs.html", doc=document, bodies=bodies, nested=nested, title=_("API reference")
    )
