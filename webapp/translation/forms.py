"""The translator's per-segment form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from webapp.core.schemas import INT32_MAX


class SegmentForm(FlaskForm):
    text = TextAreaField(_l("Translation"))
    version = IntegerField(validators=[DataRequired(), NumberRange(min=0, max=INT32_MAX)])
    approve = BooleanField()
