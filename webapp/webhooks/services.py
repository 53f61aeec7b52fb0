"""Webhooks: register, change, rotate the secret, delete; queue, list and redeliver deliveries.

Services flush, never commit: a delivery and its job commit with the event that made them.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import NotFound, Refused, ValidationError
from webapp.core.events import Event
from webapp.core.permissions import Permission, require
from webapp.jobs import queue
from webapp.jobs.models import Job, JobStatus
from webapp.summaries.models import Summary
from webapp.webhooks import signing
from webapp.webhooks.events import EVENT_NAMES, PING
from webapp.webhooks.models import Delivery, DeliveryStatus, Webhook
from webapp.webhooks.schemas import WebhookIn, WebhookPatch

JOB_KIND = "webhook_delivery"
RECENT = 50  # deliveries listed per webhook


def check_url(url: str) -> str | None:
    """Why `url` cannot be a webhook's address, or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return str(_l("Not a valid address."))
    if parts.scheme not in ("http", "https"):
        return str(_l("Use an http:// or https:// address."))
    if not parts.hostname:
        return str(_l("Give a whole address with its host, such as https://chat.example.org/hook."))
    if parts.username is not None or parts.password is not None:
        return str(
            _l("Put no user name or password in the address; the signature proves the sender.")
        )
    if any(c.isspace() for c in url):
        return str(_l("An address has no spaces."))
    return None


def _check_events(names: list[str]) -> str | None:
    unknown = [name for name in dict.fromkeys(names) if name not in EVENT_NAMES]
    if unknown:
        return str(
            _l(
                "Unknown events: %(unknown)s. Choose from: %(known)s.",
                unknown=", ".join(unknown),
                known=", ".join(EVENT_NAMES),
            )
        )
    if not names:
        return str(_l("Choose at least one event."))
    return None


def _refuse(**problems: str | None) -> None:
    fields = {name: message for name, message in problems.items() if message}
    if fields:
        raise ValidationError(fields)


def list_webhooks(session: DbSession) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def get_webhook(session: DbSession, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(str(_l("No webhook with id %(id)s.", id=webhook_id)))
    return hook


def _state(hook: Webhook) -> dict[str, Any]:
    """What the audit log keeps of a webhook (never its secret)."""
    return {
        "url": hook.url,
        "events": list(hook.events),
        "description": hook.description,
        "active": hook.active,
    }


def create_webhook(session: DbSession, clean: WebhookIn, user: User) -> Webhook:
    """Register a URL for some events, with a new secret to sign them."""
    require(user, Permission.MANAGE_WEBHOOKS)
    _refuse(url=check_url(clean.url), events=_check_events(clean.events))
    hook = Webhook(
        url=clean.url,
        events=list(dict.fromkeys(clean.events)),
        description=clean.description,
        active=clean.active,
        secret=signing.new_secret(),
        created_by_id=user.id,
        created_at=utcnow(),
    )
    session.add(hook)
    session.flush()
    audit.record(session, user, "webhook.create", "webhook", hook.id, after=_state(hook))
    return hook


def update_webhook(session: DbSession, hook: Webhook, clean: WebhookPatch, user: User) -> Webhook:
    """Change the events, the description or whether it is active."""
    require(user, Permission.MANAGE_WEBHOOKS)
    if clean.events is not None:
        _refuse(events=_check_events(clean.events))
    before = _state(hook)
    if clean.events is not None:
        hook.events = list(dict.fromkeys(clean.events))
    if clean.description is not None:
        hook.description = clean.description
    if clean.active is not None:
        hook.active = clean.active
    session.flush()
    audit.record(
        session, user, "webhook.update", "webhook", hook.id, before=before, after=_state(hook)
    )
    return hook


def rotate_secret(session: DbSession, hook: Webhook, user: User) -> Webhook:
    """A new secret; every request from now on (retries too) is signed with it."""
    require(user, Permission.MANAGE_WEBHOOKS)
    hook.secret = signing.new_secret()
    hook.secret_rotated_at = utcnow()
    session.flush()
    audit.record(session, user, "webhook.rotate_secret", "webhook", hook.id)
    return hook


def delete_webhook(session: DbSession, hook: Webhook, user: User) -> None:
    """Delete it and its deliveries; their queued jobs then find nothing to send."""
    require(user, Permission.MANAGE_WEBHOOKS)
    audit.record(session, user, "webhook.delete", "webhook", hook.id, before=_state(hook))
    session.execute(delete(Delivery).where(Delivery.webhook_id == hook.id))
    session.delete(hook)
    session.flush()


# Deliveries.


def _links(session: DbSession, data: dict[str, Any]) -> dict[str, Any]:
    """The summary the event is about, with links built from BASE_URL (no request needed)."""
    summary = session.get(Summary, data["summary_id"]) if "summary_id" in data else None
    if summary is None or summary.current_revision is None:
        return {}
    base = current_app.config["BASE_URL"]
    paths = current_app.url_map.bind("localhost")
    context: dict[str, Any] = {
        "id": summary.id,
        "slug": summary.slug,
        "title": summary.current_revision.title,
        "source_locale": summary.source_locale,
        "url": base + paths.build("summaries.summary", {"summary_id": summary.id}),
    }
    if "publication_id" in data:
        page = {"locale": data["locale"], "slug": summary.slug}
        context["public_url"] = base + paths.build("public.summary", page)
    return {"summary": context}


def _body(uid: str, name: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    payload = {"id": uid, "event": name, "occurred_at": occurred_at.isoformat(), "data": data}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _queue(session: DbSession, hook: Webhook, name: str, data: dict[str, Any]) -> Delivery:
    """A delivery row and its job, in the caller's transaction (the job table is the outbox)."""
    uid = str(uuid.uuid4())
    delivery = Delivery(
        uid=uid,
        webhook_id=hook.id,
        event=name,
        body=_body(uid, name, utcnow(), data),
        status=DeliveryStatus.PENDING,
    )
    session.add(delivery)
    session.flush()
    delivery.job_id = queue.enqueue(session, JOB_KIND, {"delivery_id": delivery.id}).id
    return delivery


def queue_event(session: DbSession, event: Event) -> list[Delivery]:
    """One delivery per active webhook that wants this event (webhooks are few: read them all)."""
    hooks = [
        hook
        for hook in session.scalars(select(Webhook).where(Webhook.active.is_(True)))
        if event.name in hook.events
    ]
    if not hooks:
        return []
    data = dataclasses.asdict(event)
    data.update(_links(session, data))
    return [_queue(session, hook, event.name, data) for hook in hooks]


def ping(session: DbSession, hook: Webhook, user: User) -> Delivery:
    """A test delivery, whatever the events and even when turned off, to check the receiver."""
    require(user, Permission.MANAGE_WEBHOOKS)
    delivery = _queue(session, hook, PING, {"webhook_id": hook.id, "actor_id": user.id})
    audit.record(session, user, "webhook.ping", "webhook", hook.id, delivery=delivery.uid)
    return delivery


def get_delivery(session: DbSession, hook: Webhook, delivery_id: int) -> Delivery:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.webhook_id != hook.id:
        raise NotFound(str(_l("No delivery with id %(id)s for this webhook.", id=delivery_id)))
    return delivery


def redeliver(session: DbSession, delivery: Delivery, user: User) -> Delivery:
    """Send the same body again (same delivery id, so a receiver that has it can skip it)."""
    require(user, Permission.MANAGE_WEBHOOKS)
    if delivery.status == DeliveryStatus.PENDING:
        raise Refused(str(_l("This delivery is still waiting to be sent.")))
    delivery.status = DeliveryStatus.PENDING
    delivery.finished_at = None
    delivery.job_id = queue.enqueue(session, JOB_KIND, {"delivery_id": delivery.id}).id
    session.flush()
    audit.record(
        session, user, "webhook.redeliver", "webhook", delivery.webhook_id, delivery=delivery.uid
    )
    return delivery


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery as listed: while it is being tried, its job says how far it got."""

    delivery: Delivery
    attempts: int
    error: str | None
    next_try_at: datetime | None


def recent_deliveries(session: DbSession, hook: Webhook, limit: int = RECENT) -> list[DeliveryRow]:
    """The newest deliveries of a webhook with their jobs, in one query."""
    rows = session.execute(
        select(Delivery, Job)
        .outerjoin(Job, Job.id == Delivery.job_id)
        .where(Delivery.webhook_id == hook.id)
        .order_by(Delivery.id.desc())
        .limit(limit)
    ).all()
    listed = []
    for delivery, job in rows:
        if delivery.status == DeliveryStatus.PENDING and job is not None:
            waiting = job.status == JobStatus.QUEUED
            listed.append(
                DeliveryRow(
                    delivery, job.attempts, job.last_error, job.run_after if waiting else None
                )
            )
        else:
            listed.append(DeliveryRow(delivery, delivery.attempts, delivery.last_error, None))
    return listed
