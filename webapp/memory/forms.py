"""The memory page's forms: search (a GET form), import, and an entry's edit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from webapp.core.forms import PageForm, storable_text
from webapp.glossary.forms import pair_choices
from webapp.memory.importing import MAX_TEXT


def any_pair_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Any")), *pair_choices()]


class SearchForm(PageForm):
    class Meta:
        csrf = False

    q = StringField(_l("Text"), validators=[Optional(), Length(max=300), storable_text])
    pair = SelectField(_l("Languages"), choices=any_pair_choices, default="")
    origin = SelectField(
        _l("Origin"),
        choices=[
            SelectChoice("", _l("Any")),
            SelectChoice("approved", _l("Approved here")),
            SelectChoice("imported", _l("Imported")),
        ],
        default="",
    )
    approved_by = StringField(
        _l("Approved by (email)"), validators=[Optional(), Length(max=254), storable_text]
    )
    since = DateField(_l("Changed from"), validators=[Optional()])
    until = DateField(_l("Changed until"), validators=[Optional()])


class ImportForm(PageForm):
    file = FileField(
        _l("TMX, CSV or TSV file"),
        description=_l(
            "CSV and TSV: the first row names each column's language, such as en,ja. "
            "Large memories: use the command flask memory import."
        ),
        validators=[FileRequired(_l("Choose a file to import."))],
        id="import-file",  # ids stay unique beside the search form
    )
    pair = SelectField(
        _l("Direction"),
        choices=lambda: [SelectChoice("", _l("As the file says")), *pair_choices()],
        default="",
        id="import-pair",
    )
    approved = BooleanField(
        _l("Mark the entries approved"),
        id="import-approved",
        description=_l(
            "Only for a memory you trust: approved entries may fill segments as approved."
        ),
    )


class EntryForm(PageForm):
    target = TextAreaField(
        _l("Translation"), validators=[DataRequired(), Length(max=MAX_TEXT), storable_text]
    )
    approved = BooleanField(_l("Approved"))
