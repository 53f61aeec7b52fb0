"""The model page's forms: an upload of an `.argosmodel` file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import NumberRange

from webapp.core.forms import PageForm


class UploadForm(PageForm):
    file = FileField(
        _l("Package file (.argosmodel)"),
        validators=[FileRequired(_l("Choose an .argosmodel file to install."))],
    )


class EvaluateForm(PageForm):
    """A candidate package to compare with the installed model on approved segments."""

    candidate = FileField(
        _l("Candidate package (.argosmodel)"),
        validators=[FileRequired(_l("Choose an .argosmodel file to evaluate."))],
    )
    sample = IntegerField(
        _l("Approved segments to compare on"),
        default=200,
        validators=[NumberRange(min=1, max=5000)],
    )
