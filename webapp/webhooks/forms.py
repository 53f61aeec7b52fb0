"""The admin's forms for a webhook: add one, and change what it wants."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import PageForm
from webapp.webhooks.events import EVENT_NAMES
from webapp.webhooks.models import MAX_DESCRIPTION, MAX_URL


def _event_field() -> SelectMultipleField:
    return SelectMultipleField(
        _l("Events to send"),
        choices=[SelectChoice(name, name) for name in EVENT_NAMES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one event."))],
    )


class WebhookEditForm(PageForm):
    """What can change on a webhook once it exists."""

    events = _event_field()
    description = StringField(
        _l("Description"),
        validators=[Length(max=MAX_DESCRIPTION)],
        description=_l("For the admins: who receives it, and why."),
    )
    active = BooleanField(_l("Active (turned off, it is sent nothing)"), default=True)

    def data_for_service(self) -> dict[str, Any]:
        return {
            "events": list(self.events.data or []),
            "description": self.description.data or "",
            "active": bool(self.active.data),
        }


class WebhookForm(WebhookEditForm):
    """A new webhook: its address too."""

    url = StringField(
        _l("Address (URL)"),
        validators=[DataRequired(), Length(max=MAX_URL)],
        description=_l("Where events are sent with POST: http:// or https://, no password in it."),
    )

    def data_for_service(self) -> dict[str, Any]:
        return {"url": (self.url.data or "").strip(), **super().data_for_service()}
