"""The liaison's summary form; its limits come from the API schemas (one definition)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from webapp.core.locales import LOCALE_NAMES, LOCALES
from webapp.core.schemas import INT32_MAX
from webapp.summaries.schemas import MAX_BODY, MAX_LEDE, MAX_SHORT, MAX_TITLE


class SummaryForm(FlaskForm):
    source_locale = SelectField(
        _l("Source language"),
        choices=[SelectChoice(code, LOCALE_NAMES[code]) for code in LOCALES],
        default=LOCALES[0],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    meeting_date = DateField(_l("Meeting date"), validators=[DataRequired()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=MAX_SHORT)])
    lede = TextAreaField(_l("Lede"), validators=[Optional(), Length(max=MAX_LEDE)])
    body = TextAreaField(_l("Body"), validators=[DataRequired(), Length(max=MAX_BODY)])
    participants = TextAreaField(
        _l("Participants"),
        description=_l(
            "One per line: name | role | country code, e.g. Pete Hegseth | Secretary of War | US"
        ),
    )
    quotes = TextAreaField(_l("Quotes"), description=_l("One per line: speaker | quotation"))
    # The version the form was opened at; only the edit form sends it (optimistic concurrency).
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=INT32_MAX)]
    )
