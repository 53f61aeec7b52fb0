"""The XLIFF import form on the review page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from webapp.core.forms import PageForm


class XliffImportForm(PageForm):
    file = FileField(
        _l("XLIFF file"),
        validators=[FileRequired(_l("Choose an XLIFF file to import."))],
        id="xliff-file",
    )
    reason = StringField(
        _l("Reason for approving over quality warnings (optional)"),
        validators=[Optional(), Length(max=500)],
        id="xliff-reason",
    )
