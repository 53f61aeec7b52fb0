"""The invitation mail (issue 21, item 11): queued with the invite, sent by a worker in the
invitee's language, with the one-time link derived again from SECRET_KEY (`accounts.invites`),
so the link itself is never stored, not even in the job's payload."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_mailman import EmailMultiAlternatives

from webapp.accounts import invites
from webapp.accounts.events import UserInvited
from webapp.core.db import DbSession
from webapp.core.events import subscriber
from webapp.jobs import queue
from webapp.jobs.describe import Subject, describer
from webapp.jobs.registry import JobHandler, Payload, register
from webapp.notifications.mail import as_recipient

JOB_KIND = "invite_mail"


@subscriber(UserInvited)
def _queue_mail(session: DbSession, event: UserInvited) -> None:
    """With mail configured, the invitation goes out by a job committed with the invite."""
    if current_app.config.get("MAIL_BACKEND") in (None, "dummy"):
        return  # the admin hands the link over; the users page says so
    queue.enqueue(session, JOB_KIND, {"invite_id": event.invite_id})


def send(session: DbSession, app: Flask, invite_id: int) -> bool:
    """Mail the invitation if its link still works (used, replaced or expired: nothing)."""
    invite = invites.link_for_mail(session, app.config["SECRET_KEY"], invite_id)
    if invite is None:
        return False
    user = invite.user
    token = invites.token_for(app.config["SECRET_KEY"], invite.nonce)
    with app.test_request_context("/", base_url=app.config["BASE_URL"]), as_recipient(user):
        base = request.host_url.rstrip("/")
        context = {
            "user": user,
            "url": base + url_for("auth.accept_invite", token=token),
            "expires_at": invite.expires_at,
            "roles": user.role_names,
        }
        subject = _("Kakehashi: you are invited")
        text = render_template("notifications/invite.txt", **context)
        html = render_template("notifications/invite.html", **context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=app.config["MAIL_FROM"], to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    send(session, app, int(payload["invite_id"]))


INVITE_MAIL = register(JobHandler(kind=JOB_KIND, run=_run))


@describer(JOB_KIND)
def _describe(session: DbSession, payloads: list[Payload]) -> list[Subject | None]:
    """Whom the invitation is for."""
    emails = invites.emails_for_invites(session, [int(p.get("invite_id") or 0) for p in payloads])
    return [
        Subject(emails[i], detail=_("invitation"))
        if (i := int(p.get("invite_id") or 0)) in emails
        else None
        for p in payloads
    ]
