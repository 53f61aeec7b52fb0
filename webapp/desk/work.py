""" "My work": what waits for this person, wherever it lives.

A translator sees the translations assigned to them, then unassigned work in their languages that
has a deadline; liaison staff see the translations of the summaries they wrote that are not
approved yet, with who has them and by when they are needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.accounts.models import User
from webapp.core.db import DbSession, utcnow
from webapp.core.permissions import Permission, allowed
from webapp.summaries.models import Summary
from webapp.translation import worklist
from webapp.translation.models import Translation, TranslationStatus

SOON_LIMIT = 10


@dataclass(frozen=True)
class MyWork:
    assigned: list[worklist.Row]  # assigned to me, soonest deadline first
    unassigned_due: list[worklist.Row]  # nobody's, with a deadline, in my languages
    my_summaries: list[Translation]  # not approved translations of summaries I wrote

    @property
    def empty(self) -> bool:
        return not (self.assigned or self.unassigned_due or self.my_summaries)


def my_work(session: DbSession, user: User) -> MyWork:
    assigned: list[worklist.Row] = []
    unassigned: list[worklist.Row] = []
    if allowed(user, Permission.SEE_REVIEW_QUEUE):
        assigned = worklist.rows(session, user, whose="mine")
        unassigned = [
            r for r in worklist.rows(session, user, whose="unassigned") if r.tr.needed_by
        ][:SOON_LIMIT]
    mine: list[Translation] = []
    if allowed(user, Permission.WRITE_SUMMARY):
        mine = list(
            session.scalars(
                select(Translation)
                .join(Summary, Summary.id == Translation.summary_id)
                .where(
                    Summary.created_by_id == user.id,
                    Translation.status != TranslationStatus.APPROVED,
                )
                .order_by(Translation.needed_by.is_(None), Translation.needed_by, Translation.id)
                .options(
                    selectinload(Translation.summary).selectinload(Summary.current_revision),
                    selectinload(Translation.assignee),
                )
            )
        )
    return MyWork(assigned, unassigned, mine)


def overdue(tr: Translation) -> bool:
    return worklist.overdue(tr, utcnow())
