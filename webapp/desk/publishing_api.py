"""Publishing in the JSON API."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.core.api import bp, if_match_version, json_body, operation
from webapp.core.db import utcnow
from webapp.core.permissions import Permission, requires
from webapp.core.transactions import unit_of_work
from webapp.desk.schemas import schedule_out, summary_out
from webapp.extensions import db
from webapp.publishing import schedules, signoff
from webapp.publishing import services as publishing
from webapp.publishing.models import ScheduledRelease
from webapp.publishing.schemas import (
    PublishIn,
    PublishOut,
    ScheduleChange,
    ScheduledSummaryOut,
    ScheduleIn,
    ScheduleOut,
    WithdrawIn,
    WithdrawOut,
)
from webapp.summaries import services as summaries


@bp.post("/summaries/<id:summary_id>/publish")
@requires(Permission.PUBLISH)
@operation(
    _l("Publish the current version in these locales (409 names any not approved)"),
    body=PublishIn,
    responses={200: PublishOut},
)
def publish_summary(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    wanted = json_body(PublishIn)
    with unit_of_work():
        pubs = publishing.publish(db.session, summary, wanted, acting_user())
    out = PublishOut(
        **summary_out(db.session, summary).model_dump(),
        published=[
            {
                "locale": p.publication.locale,
                "revision_id": p.publication.revision_id,
                "title": p.publication.title,
                "changed": p.changed,
            }
            for p in pubs
        ],
    )
    return jsonify(out.model_dump(mode="json"))


@bp.post("/summaries/<id:summary_id>/signoff")
@requires(Permission.PUBLISH)
@operation(
    _l(
        "Sign off the current version as a second publisher (409 for its author); needed before "
        "publishing when REQUIRE_PUBLISH_SIGNOFF is on"
    ),
    responses={200: ScheduledSummaryOut},
)
def sign_off_summary(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    with unit_of_work():
        signoff.sign_off(db.session, summary, acting_user())
    return jsonify(summary_out(db.session, summary).model_dump(mode="json"))


@bp.post("/summaries/<id:summary_id>/withdraw")
@requires(Permission.PUBLISH)
@operation(
    _l("Withdraw the summary from readers in these locales, with a reason (publish again to undo)"),
    body=WithdrawIn,
    responses={200: WithdrawOut},
)
def withdraw_summary(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    wanted = json_body(WithdrawIn)
    with unit_of_work():
        rows = publishing.withdraw(db.session, summary, wanted, acting_user())
    out = WithdrawOut(
        **summary_out(db.session, summary).model_dump(),
        withdrawn=[
            {"locale": row.locale, "withdrawn_at": row.withdrawn_at.isoformat()} for row in rows
        ],
    )
    return jsonify(out.model_dump(mode="json"))


@bp.post("/summaries/<id:summary_id>/schedule")
@requires(Permission.PUBLISH)
@operation(
    _l(
        "Schedule the release of these languages together at a time (with its zone); the policy "
        "says what happens to a language not approved by then"
    ),
    body=ScheduleIn,
    responses={201: ScheduleOut},
)
def schedule_release(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    wanted = json_body(ScheduleIn)
    with unit_of_work():
        row = schedules.schedule(db.session, summary, wanted, acting_user(), utcnow())
    return _schedule_answer(row, 201)


@bp.patch("/summaries/<id:summary_id>/schedule")
@requires(Permission.PUBLISH)
@operation(
    _l("Reschedule: change the time, the languages or the policy (a held release waits again)"),
    body=ScheduleChange,
    responses={200: ScheduleOut},
    if_match="optional",
)
def reschedule_release(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    change = json_body(ScheduleChange)
    with unit_of_work():
        row = schedules.reschedule(
            db.session, summary, change, acting_user(), utcnow(), if_match_version()
        )
    return _schedule_answer(row)


@bp.delete("/summaries/<id:summary_id>/schedule")
@requires(Permission.PUBLISH)
@operation(
    _l("Cancel the scheduled release (nothing is published by it)"),
    responses={200: ScheduleOut},
    if_match="optional",
)
def cancel_release(summary_id: int) -> ResponseReturnValue:
    summary = summaries.get_summary(db.session, summary_id)
    with unit_of_work():
        row = schedules.cancel(db.session, summary, acting_user(), if_match_version())
    return _schedule_answer(row)


def _schedule_answer(row: ScheduledRelease, status: int = 200) -> ResponseReturnValue:
    out = schedule_out(row).model_dump(mode="json")
    return jsonify(out), status, {"ETag": f'"{row.version}"'}
