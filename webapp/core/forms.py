"""Forms shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm


class SimpleForm(FlaskForm):
    """A CSRF-protected button with no fields (retry, approve, logout)."""
