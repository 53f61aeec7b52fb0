"""Helpers shared by every domain's command-line group."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from flask import g, has_app_context

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


def _os_account() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a container user with no name
        return f"uid {os.getuid()}"


@contextmanager
def as_operator() -> Iterator[None]:
    """Audit entries made inside name the shell account that ran the command (no user is
    signed in at a shell, but "nobody" is not an answer to "who did it")."""
    g.cli_operator = _os_account()[:64]
    try:
        yield
    finally:
        g.pop("cli_operator", None)


def operator() -> str | None:
    """The shell account of the running `flask ...` command, if one is acting."""
    return g.get("cli_operator") if has_app_context() else None


@contextmanager
def committed() -> Iterator[None]:
    """Commit what the block did, or roll back and exit 2 with the domain error's words."""
    with as_operator():
        try:
            yield
        except DomainError as exc:
            db.session.rollback()
            fail(explain(exc), 2)
        db.session.commit()
