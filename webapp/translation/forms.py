"""The translator's per-segment form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, NumberRange, Optional
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


class AssignmentForm(PageForm):
    """A liaison's form for one translation: who has it, and by when it is needed (a date and a
    time in the chosen zone; both empty: no deadline). One per language on the summary page, each
    with its own prefix; the view offers the translators and the zones."""

    # The service decides who may hold the language (its message goes beside the field), so a
    # stale page offering someone who lost the language is answered, not a bare "not a choice".
    assignee = SelectField(_l("Assigned to"), choices=[], validate_choice=False)
    date = DateField(
        _l("Needed by (date)"),
        validators=[Optional()],
        description=_l("Leave the date and time empty for no deadline."),
    )
    time = TimeField(_l("Needed by (time)"), validators=[Optional()])
    time_zone = SelectField(
        _l("Time zone"),
        choices=[],
        description=_l(
            "The date and time above are in this zone (your own, unless you pick another)."
        ),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """A date needs its time and a time its date."""
        ok = super().validate(extra_validators)
        if ok and bool(self.date.data) != bool(self.time.data):
            missing = self.time if self.date.data else self.date
            missing.errors = [*missing.errors, str(_l("Give both the date and the time."))]
            ok = False
        return ok
