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
