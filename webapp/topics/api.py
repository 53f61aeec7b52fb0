"""Topics in the JSON API: list, add, rename, delete."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.core.api import bp, json_body, operation
from webapp.core.locales import default_locale
from webapp.core.permissions import Permission, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.topics import services as topics
from webapp.topics.models import Topic
from webapp.topics.schemas import TopicIn, TopicList, TopicOut


def topic_out(topic: Topic) -> dict:
    return TopicOut(slug=topic.slug, names=topic.names).model_dump(mode="json")


@bp.get("/topics")
@requires(Permission.READ_SUMMARIES)
@operation(_l("The topic vocabulary"), responses={200: TopicList})
def list_topics() -> ResponseReturnValue:
    found = topics.list_topics(db.session, default_locale())
    return jsonify({"topics": [topic_out(t) for t in found]})


@bp.post("/topics")
@requires(Permission.MANAGE_TOPICS)
@operation(_l("Add a topic"), body=TopicIn, responses={201: TopicOut})
def create_topic() -> ResponseReturnValue:
    with unit_of_work():
        topic = topics.save_topic(db.session, json_body(TopicIn), acting_user())
    return jsonify(topic_out(topic)), 201


@bp.put("/topics/<slug>")
@requires(Permission.MANAGE_TOPICS)
@operation(_l("Rename a topic (its address stays)"), body=TopicIn, responses={200: TopicOut})
def replace_topic(slug: str) -> ResponseReturnValue:
    topic = topics.get_topic(db.session, slug)
    with unit_of_work():
        topics.save_topic(db.session, json_body(TopicIn), acting_user(), topic)
    return jsonify(topic_out(topic))


@bp.delete("/topics/<slug>")
@requires(Permission.MANAGE_TOPICS)
@operation(_l("Delete a topic no summary uses"), responses={204: None})
def delete_topic(slug: str) -> ResponseReturnValue:
    with unit_of_work():
        topics.delete_topic(db.session, topics.get_topic(db.session, slug), acting_user())
    return "", 204
