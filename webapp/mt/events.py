"""What happens to the machine-translation models, announced for other domains (`core.events`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from webapp.core.db import DbSession
from webapp.core.events import Event
from webapp.core.hooks import Hook
from webapp.glossary.services import Term


@dataclass(frozen=True)
class ModelInstalled(Event):
    """An Argos package passed its trial translation and now serves its pair (`flask mt
    install`); translations that failed for want of it can be retried."""

    name: ClassVar[str] = "model.installed"
    package: str
    from_code: str
    to_code: str
    version: str
    sha256: str | None


@dataclass(frozen=True)
class Reference:
    """A segment a person approved, as evaluation uses it: its source, the approved text, and
    the glossary a machine draft of it would be masked with."""

    segment_id: int
    source: str
    text: str
    terms: tuple[Term, ...] = ()
    machine_drafted: bool = False  # approved as the machine drafted it, unchanged


# Translation answers both (`translation.subscribers`): the ids of human-approved segments of a
# pair (source locale, target locale), then the chosen ones as References, in the order asked.
approved_segment_ids: Hook[Callable[[DbSession, str, str], list[int]]] = Hook(
    "mt.approved_segment_ids"
)
approved_references: Hook[Callable[[DbSession, list[int]], list[Reference]]] = Hook(
    "mt.approved_references"
)
