"""The translator's per-segment form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange
from wtforms.widgets import HiddenInput

from webapp.core.forms import PageForm
from webapp.core.schemas import INT32_MAX


class SegmentForm(PageForm):
    text = TextAreaField(_l("Translation"))
    # Hidden: no required/min/max attributes, which HTML allows only on inputs a person fills.
    version = IntegerField(
        validators=[DataRequired(), NumberRange(min=0, max=INT32_MAX)], widget=HiddenInput()
    )
    approve = BooleanField()
    # Asked for only when the text has quality warnings (see review.save_segment).
    reason = StringField(_l("Why is it right despite the warnings?"))
