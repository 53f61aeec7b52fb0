"""What a backup holds: every table is exported or skipped on purpose, and secrets never leave.

A table that is in neither list, or a secret-looking column nobody decided about, stops the export
(and fails `tests/functional/test_backup.py`): adding one is a decision, not an accident.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table

from webapp.accounts import passwords

# A stored password hash no password verifies against; imported users are given a new one with
# `flask users set-password EMAIL`.
UNUSABLE_PASSWORD = passwords.UNUSABLE


@dataclass(frozen=True)
class Export:
    """Export every row; `redact` replaces columns' values, `not_secret` clears false alarms."""

    redact: Mapping[str, Any] = field(default_factory=dict)
    not_secret: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Skip:
    """Leave the table out entirely (secrets or state that means nothing after a restore)."""

    reason: str


POLICY: dict[str, Export | Skip] = {
    "users": Export(redact={"password_hash": UNUSABLE_PASSWORD}),
    "user_roles": Export(),
    "api_tokens": Skip("bearer-token hashes are credentials; issue new tokens after a restore"),
    "user_sessions": Skip("signed-in browsers are credentials; everyone signs in again"),
    "sign_in_failures": Skip("failed sign-ins of the last minutes; they start again from none"),
    "presence": Skip("who has a translation open right now; stale the moment it is copied"),
    "summaries": Export(),
    "revisions": Export(),
    "publications": Export(),
    "withdrawals": Export(),
    "public_changes": Export(),
    # A restored pending release is released by its queued job (`jobs` travels too).
    "scheduled_releases": Export(),
    # Who signed off which version before it was published (REQUIRE_PUBLISH_SIGNOFF).
    "signoffs": Export(),
    "slug_redirects": Export(),
    "creation_keys": Skip("one-time keys of the last day's creations; a restore starts afresh"),
    "topics": Export(),
    # The search index is derived from publications, but exporting it keeps a restore searchable
    # at once (SQLite's FTS table follows its rows through triggers).
    "search_documents": Export(),
    "publication_tags": Export(),
    "segments": Export(),
    "translations": Export(),
    "segment_translations": Export(),
    "segment_changes": Export(),
    "translation_memory": Export(),
    "draft_edits": Export(),  # the engine's measure: figures and ids, no text
    "glossary_terms": Export(),
    "jobs": Export(),
    "workers": Skip("which worker processes are running; stale the moment it is copied"),
    "audit_events": Export(),
    # Questions and answers are the written record of what the two desks settled.
    "questions": Export(),
    "question_answers": Export(),
    "question_mentions": Export(),
    # Each person's inbox and mail choices: what they were told, and how they want to be told.
    "notifications": Export(),
    "notification_preferences": Export(),
    # A webhook's secret signs what the receivers trust, so it never leaves in a backup; its
    # deliveries are bound to it. Register webhooks again after a restore (a queued delivery job
    # then finds nothing to send).
    "webhooks": Skip("webhook signing secrets are credentials; register webhooks again"),
    "webhook_deliveries": Skip("deliveries belong to webhooks, which are not exported"),
    # The files these rows name travel beside them in the archive (`backup/files.py`).
    # A photo waiting for its file is a row whose file columns are null; it restores as such.
    "photos": Export(),
    # An invitation link opens an account: a restore never carries one; invite again.
    "invites": Skip("one-time links to set a password are credentials; send new invitations"),
    # Model evaluations are the office's record of why a model was installed; the candidate
    # packages they were made with are uploads waiting for a worker, gone once it is done.
    "mt_evaluations": Export(),
    "mt_candidates": Skip("packages waiting for an evaluation; upload again after a restore"),
    "mt_candidate_chunks": Skip("the bytes of packages waiting for an evaluation"),
    # Kept close-match lists are derived from the memory and found again on the next open.
    "memory_candidates": Skip("close-match lists kept for speed; made again when a page opens"),
}

# Tables named like these hold credentials or live state: skipped whatever POLICY says.
ALWAYS_SKIPPED = re.compile(r"session|presence|heartbeat")
# Columns named like these must be redacted, or declared `not_secret`, or their table skipped.
SECRET_LOOKING = re.compile(r"password|secret|token|salt|otp|credential|private|api_?key")


def decision(table: Table) -> Export | Skip | None:
    """What happens to `table` in a backup (None: nobody decided yet)."""
    if ALWAYS_SKIPPED.search(table.name):
        entry = POLICY.get(table.name)
        return entry if isinstance(entry, Skip) else Skip("session or live state")
    return POLICY.get(table.name)


def problems(metadata: MetaData) -> list[str]:
    """Tables and columns the policy does not cover; an export refuses to run while any exist."""
    found = []
    for table in metadata.sorted_tables:
        rule = decision(table)
        if rule is None:
            found.append(
                f"table {table.name} is neither exported nor skipped: "
                "add it to POLICY in webapp/backup/policy.py"
            )
            continue
        if isinstance(rule, Skip):
            continue
        for fk in table.foreign_keys:
            if not isinstance(decision(fk.column.table), Export):
                found.append(
                    f"exported {table.name}.{fk.parent.name} refers to {fk.column.table.name}, "
                    "which is not exported: its rows could not be restored"
                )
        names = set(table.columns.keys())
        for name in sorted(set(rule.redact) - names):
            found.append(f"POLICY redacts {table.name}.{name}, which does not exist")
        for name in sorted(names - set(rule.redact) - rule.not_secret):
            if SECRET_LOOKING.search(name):
                found.append(
                    f"column {table.name}.{name} looks secret: redact it, skip its table, "
                    "or declare it not_secret in webapp/backup/policy.py"
                )
    return found


def exported_tables(metadata: MetaData) -> list[Table]:
    """The tables a backup holds, parents before children."""
    return [t for t in metadata.sorted_tables if isinstance(decision(t), Export)]


def skipped_tables(metadata: MetaData) -> dict[str, str]:
    """Tables left out of a backup, with the reason."""
    return {
        t.name: rule.reason for t in metadata.sorted_tables if isinstance(rule := decision(t), Skip)
    }


def redactions(table: Table) -> Mapping[str, Any]:
    """Columns of an exported table whose values are replaced, and what by."""
    rule = decision(table)
    return rule.redact if isinstance(rule, Export) else {}
