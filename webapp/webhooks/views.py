"""The admin's webhook pages (/manage/webhooks): register, change, rotate, ping, redeliver."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from webapp.accounts.current import acting_user
from webapp.core.errors import DomainError, ValidationError
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.webhooks import services as webhooks
from webapp.webhooks.forms import WebhookEditForm, WebhookForm
from webapp.webhooks.models import Webhook
from webapp.webhooks.schemas import WebhookIn, WebhookPatch
from webapp.webhooks.signing import TOLERANCE_SECONDS

bp = Blueprint("webhooks", __name__, url_prefix="/manage/webhooks", template_folder="templates")


def _apply(form: WebhookEditForm, exc: ValidationError) -> None:
    """Each service error beside its field."""
    for name, message in exc.fields.items():
        field = getattr(form, name.split(".")[0], None)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]


def _index(form: WebhookForm | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "webhooks/index.html",
        hooks=webhooks.list_webhooks(db.session),
        form=form or WebhookForm(),
    ), status


def _detail(
    hook: Webhook, form: WebhookEditForm | None = None, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "webhooks/detail.html",
        hook=hook,
        form=form or WebhookEditForm(obj=hook),
        button=SimpleForm(),
        deliveries=webhooks.recent_deliveries(db.session, hook),
        tolerance_minutes=TOLERANCE_SECONDS // 60,
    ), status


@bp.get("/")
@requires(Permission.MANAGE_WEBHOOKS)
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/")
@requires(Permission.MANAGE_WEBHOOKS)
def create() -> ResponseReturnValue:
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                clean = parse(WebhookIn, form.data_for_service())
                hook = webhooks.create_webhook(db.session, clean, acting_user())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            flash(_("Webhook added. Configure the receiver with its secret, shown below."))
            return redirect(url_for("webhooks.detail", webhook_id=hook.id))
    return _index(form, 422)


@bp.get("/<id:webhook_id>")
@requires(Permission.MANAGE_WEBHOOKS)
def detail(webhook_id: int) -> ResponseReturnValue:
    return _detail(webhooks.get_webhook(db.session, webhook_id))


@bp.post("/<id:webhook_id>")
@requires(Permission.MANAGE_WEBHOOKS)
def update(webhook_id: int) -> ResponseReturnValue:
    hook = webhooks.get_webhook(db.session, webhook_id)
    form = WebhookEditForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                clean = parse(WebhookPatch, form.data_for_service())
                webhooks.update_webhook(db.session, hook, clean, acting_user())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            flash(_("Webhook saved."))
            return redirect(url_for("webhooks.detail", webhook_id=hook.id))
    return _detail(hook, form, 422)


def _button(webhook_id: int, action: Callable[[Webhook], object], done: str) -> ResponseReturnValue:
    """A CSRF-checked button: run `action(hook)` in one unit of work, then back to the page."""
    if SimpleForm().validate_on_submit():
        hook = webhooks.get_webhook(db.session, webhook_id)
        try:
            with unit_of_work():
                action(hook)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(done)
    else:
        flash(_("The form expired; reload the page and try again."), "error")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))


@bp.post("/<id:webhook_id>/rotate")
@requires(Permission.MANAGE_WEBHOOKS)
def rotate(webhook_id: int) -> ResponseReturnValue:
    return _button(
        webhook_id,
        lambda hook: webhooks.rotate_secret(db.session, hook, acting_user()),
        _("New secret made: update the receiver. Requests from now on are signed with it."),
    )


@bp.post("/<id:webhook_id>/ping")
@requires(Permission.MANAGE_WEBHOOKS)
def ping(webhook_id: int) -> ResponseReturnValue:
    return _button(
        webhook_id,
        lambda hook: webhooks.ping(db.session, hook, acting_user()),
        _("Test ping queued; it is listed below."),
    )


@bp.post("/<id:webhook_id>/deliveries/<id:delivery_id>/redeliver")
@requires(Permission.MANAGE_WEBHOOKS)
def redeliver(webhook_id: int, delivery_id: int) -> ResponseReturnValue:
    return _button(
        webhook_id,
        lambda hook: webhooks.redeliver(
            db.session, webhooks.get_delivery(db.session, hook, delivery_id), acting_user()
        ),
        _("Queued to be delivered again."),
    )


@bp.post("/<id:webhook_id>/delete")
@requires(Permission.MANAGE_WEBHOOKS)
def delete(webhook_id: int) -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        with unit_of_work():
            webhooks.delete_webhook(
                db.session, webhooks.get_webhook(db.session, webhook_id), acting_user()
            )
        flash(_("Webhook deleted."))
        return redirect(url_for("webhooks.index"))
    flash(_("The form expired; reload the page and try again."), "error")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))
