"""A translation's status moves only as `states.ALLOWED` says, and each move is an event."""

from __future__ import annotations

import itertools

import pytest

from tests.factories import make_user, staff_headers, summary_payload
from webapp.accounts import services as users
from webapp.core.events import subscriber, unsubscribe
from webapp.extensions import db
from webapp.translation import states
from webapp.translation.events import TranslationMoved, TranslationWaiting
from webapp.translation.models import Translation, TranslationStatus

S = TranslationStatus
EVERY = [None, *S]


@pytest.fixture
def translation_id(app, client):
    headers = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=headers)
    assert made.status_code == 201, made.json
    with app.app_context():
        return db.session.scalar(db.select(Translation.id))


@pytest.fixture
def heard():
    """Every translation event of the test, in order (subscribers live for the whole run)."""
    got: list[TranslationMoved] = []

    def listen(session, event):
        got.append(event)

    for cls in states.EVENTS.values():
        subscriber(cls)(listen)
    yield got
    for cls in states.EVENTS.values():
        unsubscribe(cls, listen)


@pytest.mark.backends("sqlite", "postgresql")
def test_every_move_the_table_lists_happens_and_every_other_is_refused(
    backend, app, translation_id, heard
):
    moves = list(itertools.product(EVERY, list(S)))
    actor = make_user(app, "translator", ["ja"], email="mover@example.org")
    with app.app_context():
        actor_id = users.find_user(db.session, actor).id  # subscribers record who acted
        tr = db.session.get(Translation, translation_id)
        for before, after in moves:
            heard.clear()
            if before is not None:
                tr.status = before  # set up the starting point by hand, outside the machine
            if before == after:
                assert states.transition(db.session, tr, after) is False
                assert heard == []
            elif after in states.ALLOWED[before]:
                assert states.transition(
                    db.session, tr, after, new=before is None, actor_id=actor_id
                )
                assert tr.status == after
                assert [(e.name, e.before, e.after, e.actor_id) for e in heard] == [
                    (states.EVENTS[after].name, before and str(before), str(after), actor_id)
                ]
            else:
                kept = tr.status
                with pytest.raises(states.ForbiddenTransition):
                    states.transition(db.session, tr, after, new=before is None)
                assert tr.status == kept and heard == []
        db.session.rollback()


def test_the_table_names_every_status_and_leads_everywhere_from_a_new_translation():
    assert set(states.ALLOWED) == set(EVERY)
    assert set(states.EVENTS) == set(S)
    reached, frontier = {None}, [None]
    while frontier:
        for nxt in states.ALLOWED[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(EVERY)


def test_a_new_summary_announces_its_translation_and_the_machine_drafts_announce_the_review(
    app, client, heard, argos_packages_dir
):
    headers = staff_headers(app, "liaison")
    assert (
        client.post("/api/v1/summaries", json=summary_payload(), headers=headers).status_code == 201
    )
    assert [e.name for e in heard] == ["translation.queued"]
    assert app.test_cli_runner().invoke(args=["worker", "--burst"]).exit_code == 0
    assert [type(e) for e in heard][-1] is TranslationWaiting
    assert heard[-1].before == "queued" and heard[-1].actor_id is None
