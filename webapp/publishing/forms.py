"""The publish button's form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired


class PublishForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])
