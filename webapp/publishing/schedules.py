"""Scheduled releases: languages published together at a chosen time, exactly once.

    pending --release (all ready, or policy `ready`)--> released
    pending --release (a language not ready, policy `hold`)--> held
    pending | held --reschedule--> pending      pending | held --cancel--> cancelled

Nothing is published before the time: the release is a job queued with `run_after` at that time
(a row, so it outlives restarts). At the time the job calls `release`, which moves the schedule
with a compare-and-set on its `version` in the same transaction as the publication, through
`services.publish_as` (snapshots, events, reader cache and search as for a button press). A
second worker, or the old job of a rescheduled release, finds the version moved and does nothing.
Under `ready`, a language approved later is published by `release_late` (a subscriber of the
translation's approval). Every function takes `now` so tests drive the clock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, rowcount
from webapp.core.errors import DomainError, NotFound, PreconditionFailed, Refused, ValidationError
from webapp.core.permissions import Permission, allowed, require
from webapp.core.schemas import to_utc
from webapp.jobs import queue
from webapp.publishing import services as publishing
from webapp.publishing import signoff
from webapp.publishing.models import ReleasePolicy, ReleaseState, ScheduledRelease
from webapp.publishing.schemas import ScheduleChange, ScheduleIn
from webapp.summaries.models import Summary
from webapp.translation.models import translation_into, translations_of

log = logging.getLogger(__name__)

JOB_KIND = "scheduled_release"
OPEN = (ReleaseState.PENDING, ReleaseState.HELD)


def open_schedule(session: DbSession, summary_id: int) -> ScheduledRelease | None:
    """The summary's schedule still to happen (pending or held), if any."""
    return session.scalar(
        select(ScheduledRelease).where(
            ScheduledRelease.summary_id == summary_id, ScheduledRelease.state.in_(OPEN)
        )
    )


def latest_schedule(session: DbSession, summary_id: int) -> ScheduledRelease | None:
    """The open schedule, else the most recent one (what the summary's page and JSON show)."""
    return open_schedule(session, summary_id) or session.scalar(
        select(ScheduledRelease)
        .where(ScheduledRelease.summary_id == summary_id)
        .order_by(ScheduledRelease.id.desc())
        .limit(1)
    )


def get_schedule(session: DbSession, summary: Summary) -> ScheduledRelease:
    """The summary's open schedule, or 404."""
    found = open_schedule(session, summary.id)
    if found is None:
        raise NotFound(str(_l("This summary has no scheduled release.")))
    return found


def schedule(
    session: DbSession, summary: Summary, wanted: ScheduleIn, user: User, now: datetime
) -> ScheduledRelease:
    """Schedule the release of `wanted.locales` at `wanted.release_at` (one open per summary)."""
    require(user, Permission.PUBLISH)
    if open_schedule(session, summary.id) is not None:
        raise Refused(
            str(_l("A release is already scheduled for this summary: reschedule or cancel it."))
        )
    release_at = wanted.release_at_utc()
    locales = _check(summary, list(wanted.locales), release_at, now)
    row = ScheduledRelease(
        summary_id=summary.id,
        locales=locales,
        release_at=release_at,
        time_zone=wanted.time_zone,
        policy=ReleasePolicy(wanted.policy),
        state=ReleaseState.PENDING,
        outstanding=[],
        version=1,
        created_by_id=user.id,
    )
    session.add(row)
    session.flush()
    signoff.note_scheduling(session, summary, user)
    _queue_release(session, row)
    audit.record(session, user, "release.schedule", "summary", summary.id, **_detail(row))
    return row


def reschedule(
    session: DbSession,
    summary: Summary,
    change: ScheduleChange,
    user: User,
    now: datetime,
    expected_version: int | None = None,
) -> ScheduledRelease:
    """Change the time, languages or policy of the open schedule; a held one waits again."""
    require(user, Permission.PUBLISH)
    row = _open_at(session, summary, expected_version)
    zone = change.time_zone or row.time_zone
    if change.release_at is not None:
        release_at = to_utc(change.release_at, zone)
    else:
        release_at = row.release_at
    locales = _check(summary, list(change.locales or row.locales), release_at, now)
    _move(
        session,
        row,
        state=ReleaseState.PENDING,
        locales=locales,
        release_at=release_at,
        time_zone=zone,
        policy=ReleasePolicy(change.policy or row.policy),
        outstanding=[],
        held_reason=None,
    )
    signoff.note_scheduling(session, summary, user)
    _queue_release(session, row)
    audit.record(session, user, "release.reschedule", "summary", summary.id, **_detail(row))
    return row


def cancel(
    session: DbSession, summary: Summary, user: User, expected_version: int | None = None
) -> ScheduledRelease:
    """Cancel the open schedule: its job, when its time comes, finds it moved and does nothing."""
    require(user, Permission.PUBLISH)
    row = _open_at(session, summary, expected_version)
    _move(session, row, state=ReleaseState.CANCELLED)
    audit.record(session, user, "release.cancel", "summary", summary.id, **_detail(row))
    return row


@dataclass(frozen=True)
class Released:
    """What one release did: the languages published, and those not ready at the time."""

    state: ReleaseState
    published: list[str]
    not_ready: list[str]
    reason: str | None = None  # held: why (`ScheduledRelease.held_reason`, or the error)


def release(session: DbSession, schedule_id: int, version: int, now: datetime) -> Released | None:
    """Release the schedule if it is still pending at `version` and its time has come.

    None: nothing to do (cancelled, rescheduled, released by another worker, not yet due).
    Publishing errors (a photo without alt text, the liaison's role gone, no sign-off of the
    current revision under `REQUIRE_PUBLISH_SIGNOFF`) hold the release with the reason, rather
    than retrying something that cannot succeed by itself.
    """
    row = session.get(ScheduledRelease, schedule_id, populate_existing=True)
    if (
        row is None
        or row.state != ReleaseState.PENDING
        or row.version != version
        or row.release_at > now
    ):
        return None
    summary = session.get(Summary, row.summary_id)
    if summary is None:
        return None
    creator = session.get(User, row.created_by_id) if row.created_by_id else None
    waiting = publishing.not_ready(summary, row.locales)
    no_role = creator is None or not allowed(creator, Permission.PUBLISH)
    # The scheduler's own act counted for the revision current then (`note_scheduling`); the
    # text may have changed since, so the rule is checked on the revision current now.
    no_signoff = not no_role and signoff.missing(session, summary)
    reason: str | None = None
    if no_role:
        reason = "no_publish_role"
    elif no_signoff:
        reason = "no_signoff"
    elif waiting and row.policy == ReleasePolicy.HOLD:
        reason = "not_approved"
    state = ReleaseState.HELD if reason else ReleaseState.RELEASED
    # The compare-and-set first: a second worker's UPDATE waits for this row, then matches
    # nothing; only the winner goes on to publish, in this same transaction.
    outstanding = list(row.locales) if no_role or no_signoff else waiting
    if not _cas(
        session,
        row,
        version,
        state=state,
        outstanding=outstanding,
        released_at=now,
        held_reason=reason,
    ):
        return None
    if reason:
        return _held(session, row, outstanding, reason)
    ready = [loc for loc in row.locales if loc not in waiting]
    published: list[str] = []
    if ready:
        try:
            with session.begin_nested():
                assert creator is not None
                made = publishing.publish_as(session, summary, ready, creator)
        except DomainError as exc:
            log.warning("scheduled release %s held: %s", row.id, exc.message)
            _cas(
                session,
                row,
                row.version,
                state=ReleaseState.HELD,
                outstanding=row.locales,
                held_reason="publish_failed",
            )
            return _held(session, row, list(row.locales), exc.message)
        published = [p.publication.locale for p in made]
    audit.record(
        session,
        None,
        "release.released",
        "summary",
        summary.id,
        schedule_id=row.id,
        published=published,
        not_ready=waiting,
    )
    return Released(ReleaseState.RELEASED, published, waiting)


def _held(session: DbSession, row: ScheduledRelease, waiting: list[str], reason: str) -> Released:
    """Record why a release published nothing; the liaison reschedules or cancels it."""
    audit.record(
        session,
        None,
        "release.held",
        "summary",
        row.summary_id,
        schedule_id=row.id,
        not_ready=waiting,
        reason=reason,
    )
    return Released(ReleaseState.HELD, [], waiting, reason)


def release_due(session: DbSession, now: datetime) -> list[Released]:
    """Release every pending schedule whose time has come (what the jobs do, one by one)."""
    due = session.execute(
        select(ScheduledRelease.id, ScheduledRelease.version).where(
            ScheduledRelease.state == ReleaseState.PENDING, ScheduledRelease.release_at <= now
        )
    ).all()
    done = [release(session, schedule_id, version, now) for schedule_id, version in due]
    return [r for r in done if r is not None]


def release_late(session: DbSession, summary_id: int, locale: str) -> bool:
    """Publish a language approved after its release under `ready`; True when published.

    Only a released schedule that still waits for this language does so, once: the language
    leaves `outstanding`, and later approvals (after an edit) wait for a person to publish.
    """
    rows = session.scalars(
        select(ScheduledRelease).where(
            ScheduledRelease.summary_id == summary_id,
            ScheduledRelease.state == ReleaseState.RELEASED,
            ScheduledRelease.policy == ReleasePolicy.READY,
        )
    )
    for row in rows:
        if locale not in row.outstanding:
            continue
        summary = session.get(Summary, summary_id)
        creator = session.get(User, row.created_by_id) if row.created_by_id else None
        if summary is None or creator is None or not allowed(creator, Permission.PUBLISH):
            return False
        tr = translation_into(summary, locale)
        if tr is None or publishing.not_ready(summary, [locale]):
            return False
        if signoff.missing(session, summary):  # edited since the release: a person publishes
            log.info("late release of %s in %s waits for a sign-off", summary_id, locale)
            return False
        rest = [loc for loc in row.outstanding if loc != locale]
        if not _cas(session, row, row.version, state=ReleaseState.RELEASED, outstanding=rest):
            return False
        try:
            with session.begin_nested():
                publishing.publish_as(session, summary, [locale], creator)
        except DomainError as exc:  # the approval stands; a person publishes when it is fixed
            log.warning("late release of %s in %s failed: %s", summary_id, locale, exc.message)
            return False
        audit.record(session, None, "release.released", "summary", summary_id, published=[locale])
        return True
    return False


def _check(summary: Summary, locales: list[str], release_at: datetime, now: datetime) -> list[str]:
    """The languages to release (each once, each one the summary has), at a time to come."""
    errors: dict[str, str] = {}
    have = {summary.source_locale} | {t.locale for t in translations_of(summary)}
    unknown = sorted(set(locales) - have)
    if unknown:
        errors["locales"] = str(
            _l("This summary has no text in: %(locales)s.", locales=", ".join(unknown))
        )
    if release_at <= now:
        errors["release_at"] = str(_l("Choose a time in the future."))
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(locales))


def _open_at(
    session: DbSession, summary: Summary, expected_version: int | None
) -> ScheduledRelease:
    row = get_schedule(session, summary)
    if expected_version is not None and expected_version != row.version:
        raise PreconditionFailed(
            str(_l("The schedule changed meanwhile. Reload the page and try again.")),
            row.version,
            _detail(row),
        )
    return row


def _move(session: DbSession, row: ScheduledRelease, **values: object) -> None:
    """A person's change: compare-and-set too, so a release running meanwhile wins or waits."""
    if not _cas(session, row, row.version, **values):
        raise Refused(str(_l("The schedule changed meanwhile. Reload the page and try again.")))


def _cas(session: DbSession, row: ScheduledRelease, version: int, **values: object) -> bool:
    """Move the schedule if it is still at `version`; False when someone moved it first."""
    moved = session.execute(
        update(ScheduledRelease)
        .where(ScheduledRelease.id == row.id, ScheduledRelease.version == version)
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(moved) != 1:
        return False
    session.refresh(row)
    return True


def _queue_release(session: DbSession, row: ScheduledRelease) -> None:
    """The job that releases this version of the schedule at its time."""
    queue.enqueue(
        session,
        JOB_KIND,
        {"schedule_id": row.id, "version": row.version},
        dedupe_key=f"{JOB_KIND}:{row.id}:{row.version}",
        run_after=row.release_at,
    )


def _detail(row: ScheduledRelease) -> dict[str, object]:
    return {
        "schedule_id": row.id,
        "locales": list(row.locales),
        "release_at": row.release_at.isoformat(),
        "time_zone": row.time_zone,
        "policy": str(row.policy),
        "state": str(row.state),
        "version": row.version,
    }
