"""Topics on the way in and out of the API: a slug and a name in every locale."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from webapp.core.locales import LOCALES
from webapp.core.schemas import InputModel, OutputModel, SingleLine, Visible

MAX_TOPIC_SLUG = 60
MAX_TOPICS = 20  # per summary
TopicSlug = Annotated[
    str,
    StringConstraints(max_length=MAX_TOPIC_SLUG, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
]
TopicName = Annotated[str, SingleLine, Visible, StringConstraints(min_length=1, max_length=120)]


class TopicIn(InputModel):
    """A topic: its address (lowercase letters, digits, hyphens) and its name in each language."""

    slug: TopicSlug
    names: dict[str, TopicName]

    @field_validator("names")
    @classmethod
    def _every_locale(cls, names: dict[str, str]) -> dict[str, str]:
        if sorted(code for code, name in names.items() if name) != sorted(LOCALES):
            raise PydanticCustomError(
                "topic_names",
                "give a name in each language: {locales}",
                {"locales": ", ".join(LOCALES)},
            )
        return names


class TopicOut(OutputModel):
    slug: str
    names: dict[str, str]


class TopicList(OutputModel):
    topics: list[TopicOut]
