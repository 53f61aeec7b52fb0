"""Publishing in the JSON API."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.core.api import bp, json_body, operation
from webapp.core.permissions import Permission, requires
from webapp.core.transactions import unit_of_work
from webapp.desk.schemas import summary_out
from webapp.extensions import db
from webapp.publishing import services as publishing
from webapp.publishing.schemas import PublishIn, PublishOut, WithdrawIn, WithdrawOut
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
