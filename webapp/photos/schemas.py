"""What a photo looks like on the way in and out; the API, the forms and OpenAPI share these."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from webapp.core.schemas import (
    Id,
    InputModel,
    MultiLine,
    OutputModel,
    SingleLine,
    Version,
    Visible,
)

MAX_CAPTION = 2_000
MAX_ALT = 1_000
MAX_CREDIT = 300
MAX_IMAGE_ID = 100
MAX_PHOTOS = 50

Caption = Annotated[str, MultiLine, Visible, StringConstraints(max_length=MAX_CAPTION)]
AltText = Annotated[str, MultiLine, StringConstraints(max_length=MAX_ALT)]
Credit = Annotated[str, SingleLine, Visible, StringConstraints(max_length=MAX_CREDIT)]
ImageId = Annotated[str, SingleLine, StringConstraints(max_length=MAX_IMAGE_ID)]
Position = Annotated[int, Field(ge=0, le=MAX_PHOTOS - 1)]


class PhotoFields(InputModel):
    """The words about a photo. Caption and alt text are translated; credit and id are not."""

    caption: Caption = ""
    alt: AltText = ""
    credit: Credit = ""
    image_id: ImageId = ""


class PhotoUpload(PhotoFields):
    """POST /summaries/<id>/photos as multipart/form-data: the file and its words."""

    file: bytes = Field(description="A JPEG, PNG or WebP image")


class PhotoFileUpload(InputModel):
    """PUT /summaries/<id>/photos/<photo>/file as multipart/form-data: the file of a photo that
    is waiting for it."""

    file: bytes = Field(description="A JPEG, PNG or WebP image")


class PhotoPatch(InputModel):
    """Changed fields only; `position` moves the photo (0 is first)."""

    caption: Caption | None = None
    alt: AltText | None = None
    credit: Credit | None = None
    image_id: ImageId | None = None
    position: Position | None = None


class PhotoFile(OutputModel):
    width: int
    url: str


class PhotoOut(OutputModel):
    """A photo as the API returns it: its words, its place, and a URL for each stored width.

    A photo waiting for its file has no size, URLs or files yet (null and []).
    """

    id: Id
    position: int
    caption: str
    alt: str
    credit: str
    image_id: str
    waiting_for_file: bool = Field(
        description="True until its file is uploaded (PUT .../photos/<photo>/file); "
        "publishing is refused meanwhile"
    )
    width: int | None
    height: int | None
    url: str | None
    srcset: str | None
    files: list[PhotoFile]
    summary_version: Version
