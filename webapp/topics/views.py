"""The staff topics page: the vocabulary summaries are tagged with, in every configured language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.errors import Refused, ValidationError
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import parse
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.topics import services as topics
from webapp.topics.forms import TopicForm, topic_form
from webapp.topics.schemas import TopicIn

bp = Blueprint("topics", __name__, url_prefix="/manage/topics", template_folder="templates")


def _page(form: TopicForm | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "topics/index.html",
        topics=topics.list_topics(db.session, str(get_locale())),
        form=form or topic_form(),
        delete_form=SimpleForm(),
    ), status


def _apply(form: TopicForm, exc: ValidationError) -> None:
    """Each service error beside its field (names.ko -> name_ko)."""
    for name, message in exc.fields.items():
        field = getattr(form, name.replace("names.", "name_"), None) or form.slug
        field.errors = [*field.errors, message]


@bp.get("/")
@requires(Permission.READ_SUMMARIES)
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/")
@requires(Permission.MANAGE_TOPICS)
def save() -> ResponseReturnValue:
    """Add a topic, or rename the one whose address is given."""
    form = topic_form()
    if form.validate_on_submit():
        data = form.data_for_service()
        existing = topics.by_slug(db.session, [data["slug"]]).get(data["slug"])
        try:
            with unit_of_work():
                topics.save_topic(db.session, parse(TopicIn, data), current_user, existing)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            flash(_("Topic renamed.") if existing else _("Topic added."))
            return redirect(url_for("topics.index"))
    return _page(form, 422)


@bp.post("/<slug>/delete")
@requires(Permission.MANAGE_TOPICS)
def delete(slug: str) -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        try:
            with unit_of_work():
                topics.delete_topic(db.session, topics.get_topic(db.session, slug), current_user)
        except Refused as exc:
            flash(exc.message, "error")
        else:
            flash(_("Topic deleted."))
    return redirect(url_for("topics.index"))
