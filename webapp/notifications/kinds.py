"""What a person can be told, and how often by e-mail (the inbox always gets everything)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Kind(enum.StrEnum):
    ASSIGNED = "assigned"
    WAITING = "waiting"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    FAILED = "failed"
    QUESTION = "question"
    ANSWER = "answer"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Frequency(enum.StrEnum):
    IMMEDIATE = "immediate"  # gathered for NOTIFY_GATHER_SECONDS, then one mail
    HOURLY = "hourly"
    DAILY = "daily"  # at DIGEST_HOUR in the person's own time zone
    NEVER = "never"  # inbox only


# Work that waits for the person (or went wrong) is mailed at once; news is inbox only.
DEFAULTS: dict[Kind, Frequency] = {
    Kind.ASSIGNED: Frequency.IMMEDIATE,
    Kind.WAITING: Frequency.NEVER,
    Kind.DUE_SOON: Frequency.IMMEDIATE,
    Kind.OVERDUE: Frequency.IMMEDIATE,
    Kind.FAILED: Frequency.IMMEDIATE,
    Kind.QUESTION: Frequency.IMMEDIATE,
    Kind.ANSWER: Frequency.IMMEDIATE,
    Kind.PUBLISHED: Frequency.NEVER,
    Kind.WITHDRAWN: Frequency.NEVER,
}

KIND_LABELS = {
    Kind.ASSIGNED: _l("A translation is assigned to you"),
    Kind.WAITING: _l("A translation waits for review in your language"),
    Kind.DUE_SOON: _l("A translation is due soon"),
    Kind.OVERDUE: _l("A translation is overdue"),
    Kind.FAILED: _l("Machine translation failed"),
    Kind.QUESTION: _l("A question for you"),
    Kind.ANSWER: _l("An answer to your question"),
    Kind.PUBLISHED: _l("A summary was published"),
    Kind.WITHDRAWN: _l("A summary was withdrawn"),
}

FREQUENCY_LABELS = {
    Frequency.IMMEDIATE: _l("At once"),
    Frequency.HOURLY: _l("Hourly digest"),
    Frequency.DAILY: _l("Daily digest (08:00 your time)"),
    Frequency.NEVER: _l("Inbox only"),
}
