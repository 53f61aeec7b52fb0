"""A summary's revisions: list them, compare any two word by word, restore an old one.

Restoring never rewrites history: it writes the old text as a new revision, so translations
follow the normal rules (unchanged sentences keep their approved translation, changed ones go
back through machine translation and review).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession
from webapp.core.errors import NotFound
from webapp.core.schemas import parse
from webapp.languages.diff import Piece, source_diff
from webapp.summaries import services as summaries
from webapp.summaries.models import Revision, Summary
from webapp.summaries.schemas import SummaryPatch

# The order fields are compared and shown in, with their labels.
FIELDS: tuple[tuple[str, Any], ...] = (
    ("title", _l("Title")),
    ("meeting_date", _l("Meeting date")),
    ("location", _l("Place")),
    ("countries", _l("Countries")),
    ("lede", _l("Lede")),
    ("body", _l("Body")),
    ("participants", _l("Participants")),
    ("quotes", _l("Quotes")),
    ("topics", _l("Topics")),
    ("related", _l("Related summaries")),
)


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    pieces: list[Piece]


def list_revisions(session: DbSession, summary: Summary) -> list[Revision]:
    """Newest first."""
    return list(
        session.scalars(
            select(Revision)
            .where(Revision.summary_id == summary.id)
            .order_by(Revision.number.desc())
        )
    )


def get_revision(session: DbSession, summary: Summary, number: int) -> Revision:
    revision = session.scalar(
        select(Revision).where(Revision.summary_id == summary.id, Revision.number == number)
    )
    if revision is None:
        raise NotFound(str(_l("This summary has no version %(n)d.", n=number)))
    return revision


def as_text(name: str, value: Any) -> str:
    """A field as the lines a person compares (list fields one item per line)."""
    if name == "participants":
        return "\n".join(
            " | ".join(
                part for part in (p.get("name", ""), p.get("role", ""), p.get("country", ""))
            )
            for p in value
        )
    if name == "quotes":
        return "\n".join(f"{q.get('speaker', '')} | {q.get('text', '')}" for q in value)
    if name in ("countries", "topics", "related"):
        return ", ".join(str(v) for v in value or ())
    return str(value or "")


def compare(old: Revision, new: Revision, locale: str) -> list[FieldDiff]:
    """The fields that differ between two revisions, each as a word-level diff."""
    before, after = summaries.revision_fields(old), summaries.revision_fields(new)
    changed = []
    for name, label in FIELDS:
        if before.get(name) != after.get(name):
            a, b = as_text(name, before.get(name)), as_text(name, after.get(name))
            changed.append(FieldDiff(name, str(label), source_diff(a, b, locale)))
    return changed


def restore(
    session: DbSession, summary: Summary, number: int, expected_version: int, user: User
) -> Summary:
    """Write version `number`'s fields as a new revision (refused if someone saved meanwhile)."""
    old = get_revision(session, summary, number)
    before = summary.version
    fields = parse(SummaryPatch, summaries.revision_fields(old))
    summaries.update_summary(session, summary, fields, expected_version, user)
    if summary.version != before:
        audit.record(session, user, "summary.restore", "summary", summary.id, from_version=number)
    return summary
