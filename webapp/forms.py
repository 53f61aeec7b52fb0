"""HTML forms (Flask-WTF: CSRF on every POST); the services still validate the data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()


class SummaryForm(FlaskForm):
    source_locale = SelectField(
        _l("Source language"),
        choices=[SelectChoice("en", "English"), SelectChoice("ja", "日本語")],
        default="en",
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    meeting_date = DateField(_l("Meeting date"), validators=[DataRequired()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    lede = TextAreaField(_l("Lede"), validators=[Optional(), Length(max=2000)])
    body = TextAreaField(_l("Body"), validators=[DataRequired(), Length(max=100_000)])
    participants = TextAreaField(
        _l("Participants"),
        description=_l(
            "One per line: name | role | country code, e.g. Pete Hegseth | Secretary of War | US"
        ),
    )
    quotes = TextAreaField(_l("Quotes"), description=_l("One per line: speaker | quotation"))
    # The version the form was opened at; only the edit form sends it (optimistic concurrency).
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class SegmentForm(FlaskForm):
    text = TextAreaField(_l("Translation"))
    version = IntegerField(validators=[DataRequired()])
    approve = BooleanField()


class PublishForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])


class SimpleForm(FlaskForm):
    """A CSRF-protected button with no fields (retry, approve, logout)."""
