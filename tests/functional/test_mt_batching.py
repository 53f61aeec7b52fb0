"""A worker claims several machine-translation jobs at once and translates them in one engine call.

Through the worker, with the real tiny Argos package, on both databases: each job keeps its own
lease, compare-and-set application, failure and release; one job's trouble never touches the
others.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.factories import REASON, staff_headers, summary_payload
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_claim, run_worker
from webapp.mt.base import MTError
from webapp.mt.engines import engine_for
from webapp.translation import jobs as translation_jobs
from webapp.translation import workflow
from webapp.translation.models import Origin, SegmentTranslation, Translation

pytestmark = pytest.mark.backends("sqlite", "postgresql")


class CountingEngine:
    """The real engine, counting its calls; `during` runs inside the first call (a person acting
    while the engine translates) and `refuse` names a text the engine chokes on."""

    def __init__(self, real, during=None, refuse: str | None = None):
        self.real, self.name = real, real.name
        self.during, self.refuse = during, refuse
        self.calls: list[list[str]] = []

    def translate_anchored(self, texts, source, target, suppress=(), spans=()):
        self.calls.append(list(texts))
        if self.refuse is not None and any(self.refuse in text for text in texts):
            raise MTError(f"the model cannot translate {self.refuse!r}")
        drafts = self.real.translate_anchored(texts, source, target, suppress, spans)
        if len(self.calls) == 1 and self.during is not None:
            self.during()
        return drafts

    def model_version(self, source, target):
        return self.real.model_version(source, target)

    def can_translate(self, source, target):
        return self.real.can_translate(source, target)


@pytest.fixture
def engine(app, monkeypatch):
    counting = CountingEngine(engine_for(app))
    monkeypatch.setattr(translation_jobs, "engine_for", lambda _app: counting)
    return counting


def create(app, client, n: int, liaison: dict | None = None) -> list[dict]:
    """n English summaries through the API: n ja translations queued, one job each."""
    liaison = liaison or staff_headers(app, "liaison")
    made = []
    for i in range(n):
        body = f"Meeting {i} opened. The ministers of round {i} agreed on a joint statement."
        resp = client.post(
            "/api/v1/summaries",
            json=summary_payload(title=f"Meeting number {i}", body=body),
            headers=liaison,
        )
        assert resp.status_code == 201, resp.json
        made.append(resp.json)
    return made


def segments(app, tr_id: int) -> list[SegmentTranslation]:
    with app.app_context():
        rows = db.session.scalars(
            select(SegmentTranslation)
            .where(SegmentTranslation.translation_id == tr_id)
            .order_by(SegmentTranslation.position)
        ).all()
        db.session.expunge_all()
        return list(rows)


def all_jobs(app) -> list[Job]:
    with app.app_context():
        rows = db.session.scalars(select(Job).order_by(Job.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_one_claim_takes_three_translations_and_drafts_them_in_one_engine_call(app, client, engine):
    created = create(app, client, 3)
    tr_ids = [c["translations"]["ja"]["id"] for c in created]
    with app.app_context():
        assert run_claim(app, "batcher") == 3
        assert run_claim(app, "batcher") == 0  # nothing left: one claim took all three
    assert len(engine.calls) == 1
    sent = engine.calls[0]
    expected = engine.real.translate_batch(sent, "en", "ja")
    drafts = [st for tr_id in tr_ids for st in segments(app, tr_id)]
    assert sorted(st.source_text for st in drafts) == sorted(sent)
    by_source = dict(zip(sent, expected, strict=True))
    for st in drafts:
        # Each draft is what one call per translation would have given, on its own row.
        assert (st.origin, st.status, st.version) == (Origin.MT, "draft", 2)
        assert st.text == by_source[st.source_text] and st.engine == "argos"
    with app.app_context():
        statuses = db.session.scalars(select(Translation.status)).all()
        assert set(statuses) == {"in_review"}
        audits = db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "segment.machine_draft")
        ).all()
        assert sorted(audits) == sorted(tr_ids)  # one audit event per translation
    jobs = all_jobs(app)
    assert [(j.status, j.attempts, j.locked_by) for j in jobs] == [
        (JobStatus.DONE, 1, "batcher")
    ] * 3


def test_claiming_one_at_a_time_restores_one_call_per_translation(make_app, monkeypatch):
    app = make_app(MT_CLAIM_TRANSLATIONS=1)
    counting = CountingEngine(engine_for(app))
    monkeypatch.setattr(translation_jobs, "engine_for", lambda _app: counting)
    create(app, app.test_client(), 3)
    assert run_worker(app, burst=True) == 3
    assert len(counting.calls) == 3
    assert {j.status for j in all_jobs(app)} == {JobStatus.DONE}


def test_a_person_editing_and_a_summary_deleted_during_the_batch_leave_the_others_drafted(
    app, client, engine
):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    kept, edited, deleted = create(app, client, 3, liaison)
    edited_tr = edited["translations"]["ja"]["id"]
    target = client.get(f"/api/v1/translations/{edited_tr}", headers=translator).json["segments"][1]

    def people_act():
        resp = client.put(
            f"/api/v1/translations/{edited_tr}/segments/{target['id']}",
            json={"text": "人が書いた訳。", "reason": REASON, "version": target["version"]},
            headers=translator,
        )
        assert resp.status_code == 200, resp.json
        gone = client.delete(f"/api/v1/summaries/{deleted['id']}", headers=liaison)
        assert gone.status_code == 204

    engine.during = people_act
    # Her save queued the translation again (the running job may miss new input): a fourth
    # job, which finds nothing pending and calls no engine.
    assert run_worker(app, burst=True) == 4
    assert len(engine.calls) == 1
    assert all(st.origin == Origin.MT for st in segments(app, kept["translations"]["ja"]["id"]))
    rows = {st.id: st for st in segments(app, edited_tr)}
    assert rows[target["id"]].text == "人が書いた訳。"
    assert rows[target["id"]].origin == Origin.HUMAN
    others = [st for sid, st in rows.items() if sid != target["id"]]
    assert others and all(st.origin == Origin.MT for st in others)
    assert segments(app, deleted["translations"]["ja"]["id"]) == []
    jobs = all_jobs(app)
    assert [(j.status, j.attempts, j.last_error) for j in jobs] == [(JobStatus.DONE, 1, None)] * 4


def test_a_job_whose_translation_is_gone_or_unreadable_does_not_poison_the_batch(
    make_app, monkeypatch
):
    app = make_app(JOB_MAX_ATTEMPTS=1)
    counting = CountingEngine(engine_for(app))
    monkeypatch.setattr(translation_jobs, "engine_for", lambda _app: counting)
    first, second = create(app, app.test_client(), 2)
    with app.app_context():
        gone = queue.enqueue(db.session, workflow.MT_JOB, {"translation_id": 999_999}).id
        broken = queue.enqueue(db.session, workflow.MT_JOB, {"no": "translation id"}).id
        db.session.commit()
        assert run_claim(app, "batcher") == 4
    assert len(counting.calls) == 1
    for made in (first, second):
        rows = segments(app, made["translations"]["ja"]["id"])
        assert rows and all(st.origin == Origin.MT for st in rows)
    jobs = {j.id: j for j in all_jobs(app)}
    assert jobs[gone].status == JobStatus.DONE  # nothing left to translate: done, as before
    assert jobs[broken].status == JobStatus.DEAD and "KeyError" in jobs[broken].last_error
    assert [j.status for j in jobs.values()].count(JobStatus.DONE) == 3


def test_a_translation_the_engine_cannot_translate_fails_alone(make_app, monkeypatch):
    app = make_app(JOB_MAX_ATTEMPTS=1)
    counting = CountingEngine(engine_for(app), refuse="round 1 ")
    monkeypatch.setattr(translation_jobs, "engine_for", lambda _app: counting)
    made = create(app, app.test_client(), 3)
    assert run_worker(app, burst=True) == 3
    # The batch failed, then each translation went alone: only the bad one failed.
    assert [len(call) for call in counting.calls][1:] == [
        len(segments(app, m["translations"]["ja"]["id"])) for m in made
    ]
    with app.app_context():
        trs = {tr.id: tr for tr in db.session.scalars(select(Translation))}
        bad = trs[made[1]["translations"]["ja"]["id"]]
        assert bad.status == "failed" and "round 1" in bad.error
    for good in (made[0], made[2]):
        assert all(st.origin == Origin.MT for st in segments(app, good["translations"]["ja"]["id"]))
    assert [j.status for j in all_jobs(app)] == [JobStatus.DONE, JobStatus.DEAD, JobStatus.DONE]


def test_a_batched_job_whose_lease_was_lost_applies_nothing_and_the_others_finish(
    app, client, engine
):
    created = create(app, client, 3)
    lost_tr = created[1]["translations"]["ja"]["id"]
    jobs = all_jobs(app)

    def lease_taken_over():
        # Another worker took the second job over while this one was translating.
        with app.app_context():
            db.session.execute(
                update(Job).where(Job.id == jobs[1].id).values(locked_by="someone else")
            )
            db.session.commit()

    engine.during = lease_taken_over
    with app.app_context():
        assert run_claim(app, "batcher") == 3
    assert all(st.origin is None for st in segments(app, lost_tr))
    for made in (created[0], created[2]):
        assert all(st.origin == Origin.MT for st in segments(app, made["translations"]["ja"]["id"]))
    after = all_jobs(app)
    assert [j.status for j in after] == [JobStatus.DONE, JobStatus.RUNNING, JobStatus.DONE]
