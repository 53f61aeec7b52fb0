"""Quality checks as small declarative classes, found through one registry (after Weblate).

Each check has a code, a name and description in the reader's language, a severity and one
function of source, target and context. An error blocks approval; a warning is shown beside the
segment and may be approved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar


class Severity(enum.StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Context:
    source_locale: str
    target_locale: str
    key: str = ""
    terms: tuple[Any, ...] = ()  # glossary terms for this summary (glossary.services.Term)
    style: str | None = None  # the translation's usual Japanese sentence style (qa.ja_style)


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
    targets: ClassVar[tuple[str, ...] | None] = None  # target locales it applies to (None: all)

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
    findings = []
    for check in CHECKS.values():
        if check.targets is not None and ctx.target_locale not in check.targets:
            continue
        message = check.problem(source, target, ctx)
        if message:
            findings.append(Finding(check.code, check.severity, message))
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR, f.code))
