"""Quality checks as small declarative classes, found through one registry (after Weblate).

Each check has a code, a name and description in the reader's language, a severity, the
languages it applies to (by what they declare in `webapp.languages`) and one function of source,
target and context. An error blocks approval; a warning is shown beside the segment and may be
approved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar

from webapp.languages import Language
from webapp.languages import get as language


class Severity(enum.StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Context:
    source_locale: str
    target_locale: str
    key: str = ""
    terms: tuple[Any, ...] = ()  # glossary terms for this summary (glossary.services.Term)
    style: str | None = None  # the translation's usual sentence style (Language.styles)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str


class Check:
    """Subclass, set the class attributes, implement `problem`, and decorate with @register."""

    code: ClassVar[str]
    name: ClassVar[Any]  # a lazy gettext string
    description: ClassVar[Any] = ""  # what it looks for, a lazy gettext string
    severity: ClassVar[Severity] = Severity.WARNING

    def applies(self, source: Language, target: Language) -> bool:
        """Whether the check has anything to say between these languages (default: always)."""
        return True

    def problem(self, source: str, target: str, ctx: Context) -> str | None:
        """A message for the translator when the pair fails this check, else None."""
        raise NotImplementedError


CHECKS: dict[str, Check] = {}


def register(cls: type[Check]) -> type[Check]:
    if cls.code in CHECKS:
        raise ValueError(f"two quality checks share the code {cls.code!r}")
    CHECKS[cls.code] = cls()
    return cls


def run_checks(source: str, target: str | None, ctx: Context) -> list[Finding]:
    """Every check that applies, errors first; no text yet means nothing to check."""
    if target is None:
        return []
    source_language, target_language = language(ctx.source_locale), language(ctx.target_locale)
    findings = []
    for check in CHECKS.values():
        if not check.applies(source_language, target_language):
            continue
        message = check.problem(source, target, ctx)
        if message:
            findings.append(Finding(check.code, check.severity, message))
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR, f.code))
