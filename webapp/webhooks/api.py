"""Webhooks in the JSON API (admins): list, create, update, delete, deliveries, redeliver."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.core.api import bp, json_body, operation
from webapp.core.permissions import Permission, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.webhooks import services as webhooks
from webapp.webhooks.events import EVENT_NAMES
from webapp.webhooks.models import Webhook
from webapp.webhooks.schemas import (
    DeliveryList,
    DeliveryOut,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhookPatch,
)


def webhook_out(hook: Webhook) -> dict:
    return WebhookOut.model_validate(hook).model_dump(mode="json")


def delivery_out(row: webhooks.DeliveryRow) -> dict:
    d = row.delivery
    return DeliveryOut(
        id=d.id,
        delivery_id=d.uid,
        event=d.event,
        status=str(d.status),
        attempts=row.attempts,
        response_code=d.response_code,
        error=row.error,
        next_try_at=row.next_try_at,
        created_at=d.created_at,
        finished_at=d.finished_at,
    ).model_dump(mode="json")


@bp.get("/webhooks")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(_l("Registered webhooks, and the events they may ask for"), responses={200: WebhookList})
def list_webhooks() -> ResponseReturnValue:
    hooks = webhooks.list_webhooks(db.session)
    return jsonify({"webhooks": [webhook_out(h) for h in hooks], "events": list(EVENT_NAMES)})


@bp.post("/webhooks")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(
    _l("Register a webhook (its secret is in the answer)"),
    body=WebhookIn,
    responses={201: WebhookOut},
)
def create_webhook() -> ResponseReturnValue:
    with unit_of_work():
        hook = webhooks.create_webhook(db.session, json_body(WebhookIn), acting_user())
    return jsonify(webhook_out(hook)), 201


@bp.get("/webhooks/<id:webhook_id>")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(_l("One webhook"), responses={200: WebhookOut})
def get_webhook(webhook_id: int) -> ResponseReturnValue:
    return jsonify(webhook_out(webhooks.get_webhook(db.session, webhook_id)))


@bp.patch("/webhooks/<id:webhook_id>")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(
    _l("Change a webhook's events, description or activity"),
    body=WebhookPatch,
    responses={200: WebhookOut},
)
def update_webhook(webhook_id: int) -> ResponseReturnValue:
    hook = webhooks.get_webhook(db.session, webhook_id)
    with unit_of_work():
        webhooks.update_webhook(db.session, hook, json_body(WebhookPatch), acting_user())
    return jsonify(webhook_out(hook))


@bp.post("/webhooks/<id:webhook_id>/rotate-secret")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(_l("Give a webhook a new secret"), responses={200: WebhookOut})
def rotate_webhook_secret(webhook_id: int) -> ResponseReturnValue:
    hook = webhooks.get_webhook(db.session, webhook_id)
    with unit_of_work():
        webhooks.rotate_secret(db.session, hook, acting_user())
    return jsonify(webhook_out(hook))


@bp.delete("/webhooks/<id:webhook_id>")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(_l("Delete a webhook and its deliveries"), responses={204: None})
def delete_webhook(webhook_id: int) -> ResponseReturnValue:
    with unit_of_work():
        webhooks.delete_webhook(
            db.session, webhooks.get_webhook(db.session, webhook_id), acting_user()
        )
    return "", 204


@bp.get("/webhooks/<id:webhook_id>/deliveries")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(_l("A webhook's recent deliveries, newest first"), responses={200: DeliveryList})
def list_deliveries(webhook_id: int) -> ResponseReturnValue:
    hook = webhooks.get_webhook(db.session, webhook_id)
    rows = webhooks.recent_deliveries(db.session, hook)
    return jsonify({"deliveries": [delivery_out(r) for r in rows]})


@bp.post("/webhooks/<id:webhook_id>/ping")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(_l("Queue a test ping to a webhook"), responses={202: DeliveryOut})
def ping_webhook(webhook_id: int) -> ResponseReturnValue:
    hook = webhooks.get_webhook(db.session, webhook_id)
    with unit_of_work():
        delivery = webhooks.ping(db.session, hook, acting_user())
    row = webhooks.DeliveryRow(delivery, 0, None, None)
    return jsonify(delivery_out(row)), 202


@bp.post("/webhooks/<id:webhook_id>/deliveries/<id:delivery_id>/redeliver")
@requires(Permission.MANAGE_WEBHOOKS)
@operation(_l("Deliver a sent or failed delivery again"), responses={202: DeliveryOut})
def redeliver(webhook_id: int, delivery_id: int) -> ResponseReturnValue:
    hook = webhooks.get_webhook(db.session, webhook_id)
    delivery = webhooks.get_delivery(db.session, hook, delivery_id)
    with unit_of_work():
        webhooks.redeliver(db.session, delivery, acting_user())
    row = webhooks.DeliveryRow(delivery, 0, None, None)
    return jsonify(delivery_out(row)), 202
