"""The staff form for one topic: its address and its name in each configured language."""

from __future__ import annotations

from functools import cache

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from webapp.core.forms import PageForm
from webapp.core.i18n import language_name
from webapp.core.locales import LOCALES
from webapp.topics.schemas import MAX_TOPIC_SLUG


class TopicForm(PageForm):
    """The address; `topic_form()` adds a name field per configured locale (name_en, ...)."""

    slug = StringField(
        _l("Name in the address"),
        validators=[DataRequired(), Length(max=MAX_TOPIC_SLUG)],
        description=_l("Lowercase letters, digits and hyphens, e.g. defense-industry."),
    )
    locales: tuple[str, ...] = ()

    def name_fields(self) -> list[tuple[str, StringField]]:
        """(locale, field) for each name, in the configured order."""
        return [(code, self[f"name_{code}"]) for code in self.locales]

    def data_for_service(self) -> dict:
        return {
            "slug": (self.slug.data or "").strip(),
            "names": {code: field.data or "" for code, field in self.name_fields()},
        }


@cache
def _form_class(locales: tuple[str, ...]) -> type[TopicForm]:
    """A TopicForm with one name field per locale (built once per configured set)."""
    fields = {
        f"name_{code}": StringField(
            _l("Name in %(language)s", language=LazyString(language_name, code)),
            validators=[DataRequired(), Length(max=120)],
        )
        for code in locales
    }
    return type("TopicForm", (TopicForm,), {"locales": locales, **fields})


def topic_form() -> TopicForm:
    """The topic form for the app's configured locales (in a request)."""
    return _form_class(tuple(LOCALES))()
