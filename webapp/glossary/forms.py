"""The staff glossary page's forms; limits come from the API schema (one definition)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from webapp.core.forms import PageForm
from webapp.core.locales import LOCALE_NAMES, LOCALES
from webapp.glossary.schemas import MAX_TERM


def pair_choices() -> list[SelectChoice]:
    """Every ordered pair of configured locales (en-ja, ja-en, ...), named in their languages."""
    return [
        SelectChoice(f"{a}-{b}", f"{LOCALE_NAMES[a]} → {LOCALE_NAMES[b]}")
        for a in LOCALES
        for b in LOCALES
        if a != b
    ]


class TermForm(PageForm):
    pair = SelectField(_l("Languages"), choices=pair_choices)
    source = StringField(_l("Term"), validators=[DataRequired(), Length(max=MAX_TERM)])
    target = StringField(
        _l("Always translate as"), validators=[DataRequired(), Length(max=MAX_TERM)]
    )
    forbidden = StringField(
        _l("Never translate as"),
        description=_l("Separate several with |"),
        validators=[Length(max=2000)],
    )
    note = StringField(_l("Note"), validators=[Length(max=1000)])
    case_sensitive = BooleanField(_l("Case matters"))
    do_not_translate = BooleanField(_l("Keep as written (do not translate)"))


class ImportForm(PageForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class TbxImportForm(PageForm):
    file = FileField(
        _l("TBX file"),
        validators=[FileRequired(_l("Choose a TBX file to import."))],
        id="tbx-file",  # the CSV import beside it on the page has "file"
    )
