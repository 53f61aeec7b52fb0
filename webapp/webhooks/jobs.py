"""The delivery job: POST a delivery's body, signed, to its webhook; a 2xx answer delivers it.

Sent with `requests` (a well-kept client): timeouts for connecting and reading, no redirects
followed (`allow_redirects=False`: a 3xx is a failure, so a request never lands somewhere the
admin did not choose), and the answer streamed so only a short excerpt is ever read. Its
session ignores the environment (`trust_env=False`), so no .netrc password or proxy meant for
something else is sent to a webhook.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from webapp.core.db import DbSession, utcnow
from webapp.jobs.models import Job
from webapp.jobs.registry import JobHandler, Payload, register
from webapp.webhooks import signing
from webapp.webhooks.models import EXCERPT, Delivery, DeliveryStatus
from webapp.webhooks.services import JOB_KIND

USER_AGENT = "Kakehashi-Webhooks"


class DeliveryFailed(Exception):
    """The receiver answered with something other than 2xx, or did not answer."""

    def __init__(self, message: str, status_code: int | None = None, excerpt: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.excerpt = excerpt


def _printable(text: str) -> str:
    """A receiver's words made safe to store and show: one line, no control characters."""
    return "".join(c if c.isprintable() else " " for c in text)[:EXCERPT]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """POST once; the status code and the start of the answer. Raises DeliveryFailed."""
    import requests  # only the worker sends webhooks: the web app does not import it

    try:
        with requests.Session() as http:
            http.trust_env = False
            with http.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
            ) as answer:
                head = answer.raw.read(EXCERPT * 4, decode_content=True) or b""
                return answer.status_code, _printable(head.decode("utf-8", errors="replace"))
    except requests.RequestException as exc:
        raise DeliveryFailed(
            str(_l("No answer from the receiver (%(error)s).", error=type(exc).__name__))
        ) from exc


def _attempts(session: DbSession, delivery: Delivery) -> int:
    job = session.get(Job, delivery.job_id) if delivery.job_id is not None else None
    return job.attempts if job is not None else delivery.attempts + 1


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    """Send the delivery once; its DONE commits with "delivered", a failure is retried."""
    delivery = session.get(Delivery, int(payload["delivery_id"]))
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return  # its webhook was deleted, or another job delivered it
    hook = delivery.webhook
    if not hook.active and delivery.event != "ping":
        _settle(delivery, DeliveryStatus.FAILED, _attempts(session, delivery))
        delivery.last_error = str(_l("The webhook was turned off before this was sent."))
        return
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Kakehashi-Event": delivery.event,
        "Kakehashi-Delivery": delivery.uid,
        "Kakehashi-Signature": signing.signature(hook.secret, int(utcnow().timestamp()), body),
    }
    code, excerpt = post(hook.url, body, headers, float(app.config["WEBHOOK_TIMEOUT_SECONDS"]))
    if not 200 <= code < 300:
        raise DeliveryFailed(
            str(_l("The receiver answered %(code)s: %(excerpt)s", code=code, excerpt=excerpt)),
            code,
            excerpt,
        )
    _settle(delivery, DeliveryStatus.DELIVERED, _attempts(session, delivery))
    delivery.response_code, delivery.response_excerpt = code, excerpt


def _settle(delivery: Delivery, status: DeliveryStatus, attempts: int) -> None:
    delivery.status = status
    delivery.attempts = attempts
    delivery.finished_at = utcnow()
    delivery.last_error = None


def _give_up(session: DbSession, payload: Payload, exc: Exception) -> None:
    """After the last attempt: the delivery shows as failed, for someone to deliver again."""
    delivery = session.get(Delivery, int(payload["delivery_id"]))
    if delivery is None:
        return
    _settle(delivery, DeliveryStatus.FAILED, _attempts(session, delivery))
    delivery.last_error = str(exc)[:500]
    if isinstance(exc, DeliveryFailed):
        delivery.response_code = exc.status_code
        delivery.response_excerpt = exc.excerpt or None


WEBHOOK_DELIVERY = register(
    JobHandler(
        kind=JOB_KIND,
        run=_run,
        on_give_up=_give_up,
        expected_errors=(DeliveryFailed,),
        max_attempts=lambda app: int(app.config["WEBHOOK_MAX_ATTEMPTS"]),
        backoff_seconds=lambda app: float(app.config["WEBHOOK_BACKOFF_SECONDS"]),
    )
)
