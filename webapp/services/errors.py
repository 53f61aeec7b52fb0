"""Domain errors: services raise them, views turn them into HTTP answers or form errors."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class; `message` is already translated text for the person who caused it."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Bad input: one readable message per field."""

    def __init__(self, fields: dict[str, str], message: str = "") -> None:
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class VersionConflict(DomainError):
    """A write based on an old version; carries what the writer needs to merge."""

    def __init__(self, message: str, current_version: int, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.current = current


class NotReady(DomainError):
    """An action that needs approval first (publish, approve); names what is missing."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing
