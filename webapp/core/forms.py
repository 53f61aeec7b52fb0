"""Forms shared by every domain."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from webapp.core.locales import LOCALE_NAMES, LOCALES
from webapp.core.schemas import storable


class PageForm(FlaskForm):
    """The base of every HTML form: a page may hold many, so the hidden CSRF inputs carry no id."""

    class Meta(FlaskForm.Meta):
        def render_field(self, field: Any, render_kw: dict[str, Any]) -> Any:
            if isinstance(field, CSRFTokenField):
                render_kw = {"id": False, **render_kw}  # ids must be unique in a page
            return super().render_field(field, render_kw)


class SimpleForm(PageForm):
    """A CSRF-protected button with no fields (retry, approve, logout)."""


def storable_text(_form: Any, field: Any) -> None:
    """A field validator for text that goes straight into a query (a search box), not through a
    service's schema: NUL and lone surrogates are a field error, not a database error."""
    if field.data and not storable(field.data):
        raise ValidationError(
            str(_l("Contains control characters or broken Unicode; remove them."))
        )


def locale_choices() -> list[SelectChoice]:
    """The configured locales, each in its own language, for a select box; pass the function
    itself as `choices`, so the choices follow the app's LOCALES."""
    return [SelectChoice(code, LOCALE_NAMES[code]) for code in LOCALES]


def first_locale() -> str:
    """The first configured locale, as a select box's default (pass the function itself)."""
    return LOCALES[0]
