"""Whose work a translation is, and by when it is needed.

A liaison (or an admin) assigns a translation to a translator who holds its language, or to
nobody, and sets the time it is needed by; a translator claims an unassigned one, or hands back
their own. Every change is audited and announced (`TranslationAssigned`), so notifications and
the review queue follow it.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.accounts.models import Role, User, UserRole
from webapp.audit import services as audit
from webapp.core.db import DbSession
from webapp.core.errors import PermissionDenied, Refused, ValidationError
from webapp.core.events import emit
from webapp.core.permissions import Permission, allowed, require
from webapp.translation.events import TranslationAssigned
from webapp.translation.models import Translation

_UNCHANGED = object()


def change(
    session: DbSession,
    tr: Translation,
    actor: User,
    *,
    assignee: User | None | object = _UNCHANGED,
    needed_by: datetime | None | object = _UNCHANGED,
) -> Translation:
    """Assign, claim, hand back or set the deadline; whoever may do which (see the module)."""
    before = (tr.assignee_id, tr.needed_by)
    manager = allowed(actor, Permission.ASSIGN_WORK)
    if assignee is not _UNCHANGED:
        _check_assignee(tr, actor, assignee, manager)  # type: ignore[arg-type]
        tr.assignee_id = assignee.id if isinstance(assignee, User) else None
    if needed_by is not _UNCHANGED:
        if not manager:
            raise PermissionDenied(
                str(_l("Only liaison staff set the time a translation is needed by."))
            )
        tr.needed_by = needed_by  # type: ignore[assignment]
    if (tr.assignee_id, tr.needed_by) == before:
        return tr
    needed = tr.needed_by.isoformat() if tr.needed_by else None
    audit.record(
        session,
        actor,
        "translation.assign",
        "translation",
        tr.id,
        before={
            "assignee_id": before[0],
            "needed_by": before[1].isoformat() if before[1] else None,
        },
        after={"assignee_id": tr.assignee_id, "needed_by": needed},
    )
    emit(
        session,
        TranslationAssigned(tr.id, tr.summary_id, tr.locale, tr.assignee_id, needed, actor.id),
    )
    session.flush()
    return tr


def _check_assignee(tr: Translation, actor: User, assignee: User | None, manager: bool) -> None:
    if assignee is not None and not allowed(assignee, Permission.REVIEW, tr.locale):
        raise ValidationError(
            {
                "assignee": str(
                    _l("%(who)s does not translate into this language.", who=assignee.email)
                )
            }
        )
    if manager:
        return
    require(actor, Permission.REVIEW, tr.locale)
    claiming = assignee is not None and assignee.id == actor.id
    handing_back = assignee is None and tr.assignee_id == actor.id
    if claiming and tr.assignee_id not in (None, actor.id):
        raise Refused(
            str(
                _l(
                    "This translation is assigned to someone else. Ask them, or a liaison, to "
                    "hand it over."
                )
            )
        )
    if not (claiming or handing_back):
        raise PermissionDenied(
            str(
                _l(
                    "Translators claim work for themselves or hand back their own; liaison "
                    "staff assign it."
                )
            )
        )


def candidates(session: DbSession, locales: list[str]) -> dict[str, list[User]]:
    """locale -> the active translators who hold it (a role row for it, or for every language),
    by e-mail, in one query: whom the liaison's form offers."""
    result: dict[str, list[User]] = {loc: [] for loc in locales}
    if not locales:
        return result
    rows = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.active.is_(True),
            UserRole.role == Role.TRANSLATOR,
            or_(UserRole.locale.is_(None), UserRole.locale.in_(locales)),
        )
        .order_by(User.email)
        .options(selectinload(User.roles))
        .distinct()
    )
    for user in rows:
        for loc in locales:
            if allowed(user, Permission.REVIEW, loc):
                result[loc].append(user)
    return result
