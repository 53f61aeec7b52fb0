"""Glossary terms on the way in and out of the API (one definition of each field's rules)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from webapp.core.locales import LocaleCode
from webapp.core.schemas import Id, InputModel, MultiLine, OutputModel, SingleLine

MAX_TERM = 300
Term = Annotated[str, SingleLine, StringConstraints(min_length=1, max_length=MAX_TERM)]
Note = Annotated[str, MultiLine, StringConstraints(max_length=1000)]


class TermIn(InputModel):
    source_locale: LocaleCode
    target_locale: LocaleCode
    source: Term
    target: Term
    note: Note = ""
    case_sensitive: bool = False
    do_not_translate: bool = False
    forbidden: list[Term] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _two_languages(self) -> TermIn:
        if self.source_locale == self.target_locale:
            raise ValueError("source and target language must differ")
        return self


class TermOut(OutputModel):
    id: Id
    source_locale: LocaleCode
    target_locale: LocaleCode
    source: str
    target: str
    note: str
    case_sensitive: bool
    do_not_translate: bool
    forbidden: list[str]


class TermList(OutputModel):
    terms: list[TermOut]


class TermQuery(InputModel):
    source_locale: LocaleCode | None = None
    target_locale: LocaleCode | None = None
    q: Annotated[str, SingleLine, StringConstraints(max_length=MAX_TERM)] | None = None


class ImportCounts(OutputModel):
    """What a CSV or TBX import did: terms added and terms whose target or notes changed."""

    added: int
    updated: int
