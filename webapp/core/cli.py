"""Helpers shared by every domain's command-line group."""

from __future__ import annotations

import sys
from typing import NoReturn

import click


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for the operator and exit with `code` (2: bad input)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)
