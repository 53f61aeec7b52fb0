"""The liaison's summary form; its rules and limits are the API schemas' (one definition).

The summary form's text fields carry no WTForms length or required checks: the schema checks
every field in one pass, so one save reports every error at once, and no `maxlength` attribute
cuts pasted text without a word (the schema says how far over the limit it is instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from webapp.core.forms import PageForm, first_locale, locale_choices, storable_text
from webapp.core.schemas import INT32_MAX
from webapp.photos.forms import PhotoSlotRow
from webapp.photos.schemas import MAX_PHOTOS
from webapp.summaries.schemas import (
    MAX_BODY,
    MAX_ITEMS,
    MAX_RELATED,
    MAX_SLUG,
)

MAX_TOKEN = 64


def _at_most(limit: int) -> Callable[[Any, Any], None]:
    """Like Length(max=...), without the `maxlength` attribute that cuts pasted text unseen."""

    def check(_form: Any, field: Any) -> None:
        if field.data and len(field.data) > limit:
            over = len(field.data) - limit
            raise ValidationError(
                ngettext(
                    "%(num)d character over the limit of %(limit)d; shorten it.",
                    "%(num)d characters over the limit of %(limit)d; shorten it.",
                    over,
                    limit=limit,
                )
            )

    return check


class ParticipantRow(Form):
    """One person at the meeting (a row of the structured editor; no CSRF of its own)."""

    name = StringField(_l("Name"))
    role = StringField(_l("Role"))
    country = SelectField(_l("Country"), choices=[], default="")

    def is_empty(self) -> bool:
        return not (
            (self.name.data or "").strip() or (self.role.data or "").strip() or self.country.data
        )


class QuoteRow(Form):
    speaker = StringField(_l("Speaker"))
    text = TextAreaField(_l("Quotation"))

    def is_empty(self) -> bool:
        return not ((self.speaker.data or "").strip() or (self.text.data or "").strip())


class SummaryForm(PageForm):
    source_locale = SelectField(
        _l("Source language"),
        choices=locale_choices,
        default=first_locale,
    )
    title = StringField(_l("Title"))
    # Text, not <input type="date">: a browser's date box sends nothing for an impossible date
    # ("2026-02-31"), so the person would read "required" and lose what they typed.
    meeting_date = StringField(
        _l("Meeting date"),
        description=_l("YYYY-MM-DD, such as 2026-01-15."),
        render_kw={"inputmode": "numeric", "placeholder": "YYYY-MM-DD"},
    )
    location = StringField(_l("Place"))
    countries = SelectMultipleField(
        _l("Countries"),
        choices=[],
        description=_l("The countries that met. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    topics = SelectMultipleField(
        _l("Topics"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    related = TextAreaField(
        _l("Related summaries"),
        validators=[Optional(), _at_most(MAX_RELATED * (MAX_SLUG + 80))],
        description=_l(
            "One per line: a summary's address on the public site or its slug. Readers see "
            "those published in their language."
        ),
    )
    lede = TextAreaField(_l("Lede"))
    body = TextAreaField(_l("Body"))
    participants = FieldList(FormField(ParticipantRow), min_entries=1, max_entries=MAX_ITEMS)
    quotes = FieldList(FormField(QuoteRow), min_entries=1, max_entries=MAX_ITEMS)
    # Photos read from an imported release (new summaries only): saved waiting for their files.
    photos = FieldList(FormField(PhotoSlotRow), min_entries=0, max_entries=MAX_PHOTOS)
    # The version the form was opened at; only the edit form sends it (optimistic concurrency).
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=INT32_MAX)]
    )
    # A one-time token made when the new-summary form is shown: saving twice with it (Back, then
    # Save) opens the summary the first save made instead of making another (editor.js keeps it
    # in the page's history entry, as Back fetches the form again with a new one).
    once = HiddenField(
        validators=[Optional(), Length(max=MAX_TOKEN)], render_kw={"data-once": True}
    )

    def prepare(self, countries: list[SelectChoice], topics: list[SelectChoice]) -> None:
        """Country and topic choices in the UI language, on every row (set before validating)."""
        self.countries.choices = countries
        self.topics.choices = topics
        for row in self.participants:
            row.form.country.choices = [SelectChoice("", "—"), *countries]


class DeskFilterForm(PageForm):
    """The desk's search and filters (a GET form: nothing changes, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search titles"), validators=[Optional(), Length(max=200), storable_text])
    state = SelectField(_l("State"), choices=[], default="")
    locale = SelectField(
        _l("Language"),
        choices=lambda: [SelectChoice("", _l("All")), *locale_choices()],
        default="",
    )
    country = SelectField(_l("Country"), choices=[], default="")
    since = DateField(_l("Met from"), validators=[Optional()])
    until = DateField(_l("Met until"), validators=[Optional()])


class ImportReleaseForm(PageForm):
    text = TextAreaField(
        _l("Release text"),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description=_l(
            "Paste the whole release: headline, dateline, paragraphs, quotes, photo blocks with "
            "Credit: and VIRIN: lines, related stories. You check everything before saving."
        ),
    )


class SlugForm(PageForm):
    slug = StringField(
        _l("Address"),
        validators=[DataRequired(), Length(max=MAX_SLUG)],
        description=_l("Lowercase letters, digits and hyphens, as in /en/summaries/ADDRESS."),
    )
