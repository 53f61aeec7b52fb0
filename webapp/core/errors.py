"""Domain errors: services raise them; each carries its HTTP status and JSON body.

One app-level handler (`webapp.core.handlers`) turns them into the API's JSON error or a localized
page, so no view maps errors by hand.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class; `message` is already translated text for the person who caused it."""

    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        """The JSON error body: {"error": ..., "fields": {...}} plus anything specific."""
        return {"error": self.message, "fields": {}}


class ValidationError(DomainError):
    """Bad input: one readable message per field."""

    status = 422

    def __init__(self, fields: dict[str, str], message: str = "") -> None:
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields

    def body(self) -> dict[str, Any]:
        from flask_babel import gettext as _

        return {"error": _("Some fields are not valid."), "fields": self.fields}


class BadRequest(DomainError):
    """Input that cannot be read at all (not JSON, nested too deep, a bad header)."""

    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "fields": self.fields}


class Unauthenticated(DomainError):
    status = 401


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class VersionConflict(DomainError):
    """A write based on an old version; carries what the writer needs to merge."""

    status = 409

    def __init__(self, message: str, current_version: int, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.current = current

    def body(self) -> dict[str, Any]:
        return {
            **super().body(),
            "current_version": self.current_version,
            "current": self.current,
        }


class PreconditionFailed(VersionConflict):
    """A conditional write (If-Match) whose version is no longer current."""

    status = 412


class PreconditionRequired(DomainError):
    """A write that must say which version it edits (If-Match) but did not."""

    status = 428


class NotReady(DomainError):
    """An action that needs approval first (publish, approve); names what is missing."""

    status = 409

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing

    def body(self) -> dict[str, Any]:
        return {**super().body(), "missing": self.missing}


class Refused(DomainError):
    """The request is understood and allowed, but the object's state rules it out (409)."""

    status = 409


class StorageFull(DomainError):
    """The disk that holds uploaded files has no room: nothing was saved (507)."""

    status = 507
