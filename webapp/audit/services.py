"""Recording audit events from any service."""

from __future__ import annotations

from typing import Any

from webapp.accounts.models import User
from webapp.audit.models import AuditEvent
from webapp.core.db import DbSession


def record(
    session: DbSession, actor: User | None, action: str, obj_type: str, obj_id: int, **detail: Any
) -> None:
    """Append who did what to which object; committed with the change it describes."""
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action=action,
            object_type=obj_type,
            object_id=obj_id,
            detail=detail,
        )
    )
