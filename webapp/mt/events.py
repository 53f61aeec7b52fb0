"""What happens to the machine-translation models, announced for other domains (`core.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from webapp.core.events import Event


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
