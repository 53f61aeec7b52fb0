"""Helpers shared by every domain's command-line group."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from webapp.core.errors import DomainError
from webapp.extensions import db


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for the operator and exit with `code` (2: bad input)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def explain(exc: DomainError) -> str:
    """A domain error as one line: its field messages, or its message."""
    fields = getattr(exc, "fields", {})
    return "; ".join(f"{k}: {v}" for k, v in fields.items()) or exc.message


@contextmanager
def committed() -> Iterator[None]:
    """Commit what the block did, or roll back and exit 2 with the domain error's words."""
    try:
        yield
    except DomainError as exc:
        db.session.rollback()
        fail(explain(exc), 2)
    db.session.commit()
