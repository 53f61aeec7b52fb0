"""The ask and answer forms (rendered by hand beside each segment, so their ids stay unique)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField

from webapp.core.forms import PageForm

# Where a form's redirect returns to: the review page, the summary page, or the thread.
BACK = ("review", "summary", "thread")


class AskForm(PageForm):
    body = TextAreaField(_l("Question"))
    mention = StringField(_l("Ask someone by e-mail (optional)"))
    segment_id = HiddenField()
    back = HiddenField()


class AnswerForm(PageForm):
    body = TextAreaField(_l("Answer"))
    back = HiddenField()
