"""The publish, withdraw and schedule forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import PageForm
from webapp.publishing.schemas import MAX_REASON


class PublishForm(PageForm):
    locale = HiddenField(validators=[DataRequired()])


class WithdrawForm(PageForm):
    """Choices are the locales the summary is published in (set by the view with `offer`)."""

    locale = SelectField(
        _l("Language"),
        choices=[],
        validators=[DataRequired(message=_l("Choose the language to withdraw."))],
    )

    def offer(self, choices: list[tuple[str, str]]) -> None:
        """The published languages; with more than one, nothing is chosen beforehand (a
        withdrawal is serious, and the first one listed was the source)."""
        blank = [("", str(_l("Choose a language")))] if len(choices) > 1 else []
        self.locale.choices = blank + choices

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=MAX_REASON)],
        description=_l("Kept in the audit log; readers see only that it was withdrawn and when."),
    )


class ScheduleForm(PageForm):
    """Schedule (or reschedule) a joint release; the view offers the languages and zones."""

    locales = SelectMultipleField(
        _l("Languages released together"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one language."))],
    )
    date = DateField(_l("Date"), validators=[DataRequired()])
    time = TimeField(_l("Time"), validators=[DataRequired()])
    time_zone = SelectField(_l("Time zone"), choices=[], default="UTC")
    policy = RadioField(
        _l("If a language is not approved by then"),
        choices=[
            SelectChoice("hold", _l("Hold all of them: publish none, and wait for a new time")),
            SelectChoice(
                "ready",
                _l("Publish the approved ones at the time, and each other one once approved"),
            ),
        ],
        default="hold",
        validators=[DataRequired()],
    )
