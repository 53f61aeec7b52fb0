"""The liaison's photo forms; the limits come from the API schemas (one definition)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import Form, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from webapp.core.forms import PageForm
from webapp.core.schemas import INT32_MAX
from webapp.photos.schemas import MAX_ALT, MAX_CAPTION, MAX_CREDIT, MAX_IMAGE_ID

TEXT_FIELDS = ("caption", "alt", "credit", "image_id")


class PhotoTextForm(PageForm):
    caption = TextAreaField(_l("Caption"), validators=[Optional(), Length(max=MAX_CAPTION)])
    alt = TextAreaField(
        _l("Alt text"),
        validators=[Optional(), Length(max=MAX_ALT)],
        description=_l(
            "What the photo shows, for readers who cannot see it. Needed before publishing."
        ),
    )
    credit = StringField(_l("Credit"), validators=[Optional(), Length(max=MAX_CREDIT)])
    image_id = StringField(
        _l("Image id (VIRIN)"),
        validators=[Optional(), Length(max=MAX_IMAGE_ID)],
        description=_l("Shown as written, never translated."),
    )
    # The summary version the page was opened at (optimistic concurrency).
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=INT32_MAX)]
    )

    def text_data(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in TEXT_FIELDS}


class PhotoUploadForm(PhotoTextForm):
    file = FileField(_l("Photo file"))


class PhotoFileForm(PageForm):
    """The file for a photo that is waiting for it (its words are already saved)."""

    file = FileField(_l("Photo file"))
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=INT32_MAX)]
    )


class PhotoSlotRow(Form):
    """A photo read from an imported release, saved with the summary to wait for its file.

    A row of the new-summary form (no CSRF of its own); the words are checked again by the
    service against the API schemas.
    """

    caption = TextAreaField(_l("Caption"), validators=[Optional(), Length(max=MAX_CAPTION)])
    alt = TextAreaField(_l("Alt text"), validators=[Optional(), Length(max=MAX_ALT)])
    credit = StringField(_l("Credit"), validators=[Optional(), Length(max=MAX_CREDIT)])
    image_id = StringField(
        _l("Image id (VIRIN)"), validators=[Optional(), Length(max=MAX_IMAGE_ID)]
    )

    def is_empty(self) -> bool:
        return not any((getattr(self, name).data or "").strip() for name in TEXT_FIELDS)


class PhotoMoveForm(PageForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=INT32_MAX)]
    )
