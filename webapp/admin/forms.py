"""The audit page's filter form (a GET form: no CSRF, nothing changes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from webapp.core.forms import PageForm
from webapp.core.schemas import ID_MAX


class AuditFilterForm(PageForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], default="")
    actor = StringField(_l("Who (email)"), validators=[Optional(), Length(max=254)])
    object_type = SelectField(_l("Object"), choices=[], default="")
    object_id = IntegerField(
        _l("Object id"), validators=[Optional(), NumberRange(min=1, max=ID_MAX)]
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
