"""Account changes announced for other domains (`core.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from webapp.core.events import Event


@dataclass(frozen=True)
class UserInvited(Event):
    """A person was invited (or invited again): notifications mails them the link, when mail
    is configured, through a job (`notifications.subscribers`)."""

    name: ClassVar[str] = "user.invited"
    user_id: int
    invite_id: int
    actor_id: int | None
