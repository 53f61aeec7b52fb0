"""A summary's life through the services alone (workflow, review, publishing), each test rolled
back: the state machines, their events' effects and what readers would get."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import EN_BODY, REASON, summary_payload
from webapp.accounts import services as users
from webapp.core.errors import NotReady, ValidationError, VersionConflict
from webapp.core.schemas import parse
from webapp.jobs.models import Job
from webapp.publishing import services as publishing
from webapp.publishing import states as shown
from webapp.publishing.schemas import PublishIn, WithdrawIn
from webapp.search.models import SearchDocument
from webapp.summaries import document
from webapp.summaries import services as summaries
from webapp.summaries.schemas import SummaryCreate, SummaryPatch
from webapp.translation import review, workflow
from webapp.translation.models import (
    SegmentStatus,
    TranslationStatus,
    segments_of,
    translation_into,
)

pytestmark = pytest.mark.backends("sqlite", "postgresql")
S = TranslationStatus


@pytest.fixture
def people(session):
    liaison = users.create_user(session, "liaison@example.org", "pw-liaison-12345", ["liaison"])
    translator = users.create_user(
        session, "translator@example.org", "pw-translator-123", ["translator"], ["ja"]
    )
    return liaison, translator


def _write(session, liaison, **overrides):
    return summaries.create_summary(
        session, parse(SummaryCreate, summary_payload(**overrides)), liaison
    )


def _machine_drafts(session, tr):
    """What the worker does with an engine's output (here: a marked copy of the source)."""
    work = workflow.pending_work(session, tr.id)
    texts = [f"訳:{seg.source_text}" for seg in work.segments]
    return workflow.apply_machine_drafts(session, work, texts, "test-engine", "v1")


def _approve_all(session, tr, translator):
    for st in list(tr.segments):
        if st.status != SegmentStatus.APPROVED:
            review.save_segment(
                session, tr, st, st.text or "手訳", approve=True, user=translator,
                expected_version=st.version, second_approver=False, reason=REASON,
            )  # fmt: skip
    review.approve_translation(session, tr, translator)


def test_a_new_summary_cuts_its_declared_units_and_queues_one_job(backend, session, people):
    liaison, _ = people
    summary = _write(session, liaison)
    tr = translation_into(summary, "ja")
    assert tr is not None and tr.status == S.QUEUED
    units = document.units(summary.revision, "en")
    assert [s.key for s in segments_of(summary.revision)] == [u.key for u in units]
    assert [st.key for st in tr.segments] == [u.key for u in units]
    assert all(st.status == SegmentStatus.PENDING for st in tr.segments)
    assert session.scalar(select(func.count(Job.id))) == 1


def test_drafts_review_approval_and_publishing_give_readers_only_approved_text(
    backend, session, people
):
    liaison, translator = people
    summary = _write(session, liaison)
    tr = translation_into(summary, "ja")
    with pytest.raises(NotReady):  # nothing approved yet
        publishing.publish(session, summary, parse(PublishIn, {"locales": ["ja"]}), liaison)
    applied, skipped = _machine_drafts(session, tr)
    assert (applied, skipped) == (len(tr.segments), 0) and tr.status == S.IN_REVIEW
    with pytest.raises(NotReady):  # drafts are not approved text
        publishing.publish(session, summary, parse(PublishIn, {"locales": ["ja"]}), liaison)
    _approve_all(session, tr, translator)
    assert tr.status == S.APPROVED
    done = publishing.publish(
        session, summary, parse(PublishIn, {"locales": ["en", "ja"]}), liaison
    )
    ja = next(p.publication for p in done if p.publication.locale == "ja")
    assert ja.content["title"] == "訳:Hegseth hosts Koizumi at the Pentagon"
    assert shown.shown(session, summary.id) == {
        "en": shown.Shown.PUBLISHED,
        "ja": shown.Shown.PUBLISHED,
    }
    indexed = session.scalars(select(SearchDocument.publication_id)).all()
    assert sorted(indexed) == sorted(p.publication.id for p in done)  # search followed the event


def test_an_edited_sentence_makes_the_translation_stale_and_readers_keep_the_approved_page(
    backend, session, people
):
    liaison, translator = people
    summary = _write(session, liaison)
    tr = translation_into(summary, "ja")
    _machine_drafts(session, tr)
    _approve_all(session, tr, translator)
    publishing.publish(session, summary, parse(PublishIn, {"locales": ["ja"]}), liaison)
    edited = EN_BODY.replace("praised", "hailed")
    summaries.update_summary(
        session, summary, parse(SummaryPatch, {"body": edited}), summary.version, liaison
    )
    assert tr.status == S.STALE
    pending = [st.key for st in tr.segments if st.status == SegmentStatus.PENDING]
    assert pending == ["body.0.1"]  # only the changed sentence goes back to the machine
    assert publishing.published_versions(session, summary.id) == {"ja": 1}
    with pytest.raises(NotReady):
        publishing.publish(session, summary, parse(PublishIn, {"locales": ["ja"]}), liaison)
    _machine_drafts(session, tr)
    assert tr.status == S.IN_REVIEW


def test_a_failed_translation_is_retried_or_finished_by_hand(backend, session, people):
    liaison, translator = people
    summary = _write(session, liaison)
    tr = translation_into(summary, "ja")
    workflow.mark_failed(session, tr, "no en->ja model", workflow.MISSING_MODEL)
    assert (tr.status, tr.error_code) == (S.FAILED, workflow.MISSING_MODEL)
    workflow.retry(session, tr, translator)
    assert tr.status == S.QUEUED and tr.error is None
    workflow.mark_failed(session, tr, "no en->ja model", workflow.MISSING_MODEL)
    for st in list(tr.segments):  # the translator writes every sentence instead
        review.save_segment(
            session, tr, st, "手訳", approve=False, user=translator,
            expected_version=st.version, second_approver=False,
        )  # fmt: skip
    assert tr.status == S.IN_REVIEW and tr.error is None
    workflow.mark_failed(session, tr, "late failure", workflow.MT_FAILED)  # nothing waits now
    assert tr.status == S.IN_REVIEW


def test_a_save_on_an_old_version_is_refused_with_the_text_that_is_there(backend, session, people):
    liaison, translator = people
    summary = _write(session, liaison)
    tr = translation_into(summary, "ja")
    _machine_drafts(session, tr)
    st = tr.segments[0]
    seen = st.version
    review.save_segment(
        session, tr, st, "最初の訳", approve=False, user=translator, expected_version=seen,
        second_approver=False,
    )  # fmt: skip
    with pytest.raises(VersionConflict) as refused:
        review.save_segment(
            session, tr, st, "上書き", approve=False, user=translator, expected_version=seen,
            second_approver=False,
        )  # fmt: skip
    assert refused.value.current["text"] == "最初の訳"


def test_withdrawing_and_publishing_again_follow_the_publication_table(backend, session, people):
    liaison, _ = people
    summary = _write(session, liaison)
    never = parse(WithdrawIn, {"locales": ["en"], "reason": "Wrong date."})
    with pytest.raises(ValidationError):
        publishing.withdraw(session, summary, never, liaison)
    publishing.publish(session, summary, parse(PublishIn, {"locales": ["en"]}), liaison)
    publishing.withdraw(session, summary, never, liaison)
    assert shown.shown(session, summary.id) == {"en": shown.Shown.WITHDRAWN}
    publishing.publish(session, summary, parse(PublishIn, {"locales": ["en"]}), liaison)
    assert shown.shown(session, summary.id) == {"en": shown.Shown.PUBLISHED}
