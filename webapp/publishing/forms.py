"""The publish and withdraw forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from webapp.core.forms import PageForm
from webapp.publishing.schemas import MAX_REASON


class PublishForm(PageForm):
    locale = HiddenField(validators=[DataRequired()])


class WithdrawForm(PageForm):
    """Choices are the locales the summary is published in (set by the view)."""

    locale = SelectField(_l("Language"), choices=[])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=MAX_REASON)],
        description=_l("Kept in the audit log; readers see only that it was withdrawn and when."),
    )
