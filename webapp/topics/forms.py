"""The staff form for one topic: its address and its name in each language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from webapp.core.forms import PageForm
from webapp.topics.schemas import MAX_TOPIC_SLUG


class TopicForm(PageForm):
    slug = StringField(
        _l("Name in the address"),
        validators=[DataRequired(), Length(max=MAX_TOPIC_SLUG)],
        description=_l("Lowercase letters, digits and hyphens, e.g. defense-industry."),
    )
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    name_ja = StringField(_l("Name in Japanese"), validators=[DataRequired(), Length(max=120)])

    def data_for_service(self) -> dict:
        return {
            "slug": (self.slug.data or "").strip(),
            "names": {"en": self.name_en.data or "", "ja": self.name_ja.data or ""},
        }
