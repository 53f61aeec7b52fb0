"""E-mail through Flask-Mailman: MAIL_URL read in one place, one mail per person per send.

MAIL_URL: `smtp://user:pass@host:port` (`?starttls=1` for STARTTLS), `smtps://...` (implicit
TLS), `console` (print each mail; the default outside tests, so `make run`'s worker shows them),
`off` or empty (no mail; the inbox still gets everything).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMultiAlternatives, Mail

from webapp.accounts.models import User
from webapp.core.db import DbSession, utcnow
from webapp.core.locales import default_locale, ui_locale
from webapp.core.permissions import Permission, allowed
from webapp.notifications import services
from webapp.notifications.kinds import KIND_LABELS, Frequency, Kind
from webapp.notifications.models import Notification

mail = Mail()

_TRANSLATION_KINDS = {Kind.ASSIGNED, Kind.WAITING, Kind.DUE_SOON, Kind.OVERDUE, Kind.FAILED}


def settings(url: str | None, testing: bool) -> dict[str, object]:
    """Flask-Mailman's settings for a MAIL_URL (ValueError names what is wrong with it)."""
    if url is None:
        url = "off" if testing else "console"
    url = url.strip()
    if url in ("", "off"):
        return {"MAIL_BACKEND": "dummy"}
    if url == "console":
        return {"MAIL_BACKEND": "console"}
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(
            f"MAIL_URL {url.split('@')[-1]!r}: use smtp://user:pass@host:port, smtps://..., "
            "console or off"
        )
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"MAIL_URL: the port of {parts.hostname!r} is not a number") from None
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": port or (465 if parts.scheme == "smtps" else 25),
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_SSL": parts.scheme == "smtps",
        "MAIL_USE_TLS": parts.scheme == "smtp" and starttls,
    }


def init_app(app: Flask) -> None:
    """Read MAIL_URL into Flask-Mailman's settings and bind it."""
    app.config.update(settings(app.config.get("MAIL_URL"), app.testing))
    app.config["MAIL_DEFAULT_SENDER"] = app.config["MAIL_FROM"]
    app.config.setdefault("MAIL_TIMEOUT", 10)
    mail.init_app(app)


def send_pending(session: DbSession, app: Flask, user_id: int, frequency: Frequency) -> int:
    """Mail the person every line of theirs not mailed yet at this frequency, in one message;
    returns how many lines it carried.

    The order is: load the lines, hand the message to the server, then mark the lines mailed in
    the job's own transaction (they commit with the job's DONE). An SMTP failure raises before
    anything is marked, and the queue retries with backoff. If the process dies after the server
    accepted the message but before the commit, nothing is marked and the job's lease lapses:
    another worker sends the mail again, so that rare crash costs a duplicate, never a lost mail.
    """
    user = session.get(User, user_id)
    if user is None or not user.active:
        return 0
    rows = services.unmailed(session, user_id, frequency)
    if not rows:
        return 0
    message = compose(session, app, user, rows, frequency)
    message.send()
    services.mark_mailed(session, rows, utcnow())
    return len(rows)


@contextmanager
def as_recipient(user: User) -> Iterator[None]:
    """Their UI language (Flask-Babel's `force_locale`) and their time zone for the formatting
    filters, restored afterwards (the worker's app context serves many mails)."""
    ctx = g.setdefault("_flask_babel", SimpleNamespace())
    before = getattr(ctx, "babel_tzinfo", None)
    ctx.babel_tzinfo = services._zone(user.time_zone)
    try:
        with force_locale(ui_locale(user.ui_locale or default_locale())):
            yield
    finally:
        ctx.babel_tzinfo = before


def link(row: Notification, user: User) -> str:
    """The page where the work is: the review page (for someone who may review that language),
    the question thread or the summary page."""
    reviews = allowed(user, Permission.REVIEW, row.locale)
    if row.kind in _TRANSLATION_KINDS and row.translation_id and reviews:
        return url_for("review.translation_page", translation_id=row.translation_id)
    if row.question_id:
        return url_for("questions.thread", question_id=row.question_id)
    if row.summary_id:
        return url_for("summaries.summary", summary_id=row.summary_id)
    return url_for("notifications.inbox")


def compose(
    session: DbSession, app: Flask, user: User, rows: list[Notification], frequency: Frequency
) -> EmailMultiAlternatives:
    """One message for all the lines: plain text with an HTML alternative, absolute links."""
    names = services.titles(session, [r.summary_id for r in rows])
    deadlines = services.deadlines(session, [r.translation_id for r in rows])
    # Links are built as for a request to BASE_URL (a path prefix in it included), never from a
    # request's Host header; the worker has no request of its own.
    with app.test_request_context("/", base_url=app.config["BASE_URL"]), as_recipient(user):
        base = request.host_url.rstrip("/")
        items = [
            {
                "label": str(KIND_LABELS[r.kind]),
                "title": names.get(r.summary_id or 0),
                "locale": r.locale,
                "count": r.count,
                "at": r.updated_at,
                "needed_by": deadlines.get(r.translation_id or 0)
                if r.kind in _TRANSLATION_KINDS
                else None,
                "url": base + link(r, user),
            }
            for r in rows
        ]
        if len(items) == 1:
            subject = _("Kakehashi: %(what)s", what=items[0]["label"])
        else:
            subject = _("Kakehashi: %(n)d notifications", n=len(items))
        context = {
            "user": user,
            "items": items,
            "digest": frequency in (Frequency.HOURLY, Frequency.DAILY),
            "inbox_url": base + url_for("notifications.inbox"),
            "settings_url": base + url_for("notifications.preferences_page"),
        }
        text = render_template("notifications/mail.txt", **context)
        html = render_template("notifications/mail.html", **context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=app.config["MAIL_FROM"], to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    return message
