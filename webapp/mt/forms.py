"""The model page's forms: an upload of an `.argosmodel` file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from webapp.core.forms import PageForm


class UploadForm(PageForm):
    file = FileField(
        _l("Package file (.argosmodel)"),
        validators=[FileRequired(_l("Choose an .argosmodel file to install."))],
    )
