"""The machine-translation job: registered with the worker's registry."""

from __future__ import annotations

import time

from flask import Flask

from webapp.core.db import DbSession
from webapp.glossary import masking
from webapp.jobs.registry import JobHandler, Payload, register
from webapp.mt.base import MissingModelError, MTError
from webapp.mt.engines import engine_for
from webapp.ops import metrics
from webapp.translation import workflow
from webapp.translation.models import Translation


def _translate_and_apply(
    session: DbSession, work: workflow.MachineWork | None, app: Flask, *, only_pending: bool
) -> None:
    """End the read transaction, translate, then apply with compare-and-set.

    No transaction stays open while the engine runs, so people keep saving meanwhile; what they
    changed is never overwritten (see `workflow.apply_machine_drafts`).
    """
    session.commit()
    if work is None:  # deleted, or changed by a person since the request
        return
    texts: list[str] = []
    scores: list[float | None] = []
    engine_name = model_version = ""
    if work.segments:
        engine = engine_for(app)
        masked = [masking.mask(seg.source_text, work.terms) for seg in work.segments]
        forbidden = sorted({wrong for term in work.terms for wrong in term.forbidden})
        started = time.perf_counter()
        drafts = engine.translate_scored(
            [text for text, _targets in masked],
            work.source_locale,
            work.target_locale,
            suppress=forbidden,
        )
        metrics.observe_mt(
            work.source_locale, work.target_locale, len(drafts), time.perf_counter() - started
        )
        texts = [
            masking.unmask(draft, targets)
            for (draft, _score), (_text, targets) in zip(drafts, masked, strict=True)
        ]
        scores = [score for _draft, score in drafts]
        engine_name = engine.name
        model_version = engine.model_version(work.source_locale, work.target_locale)
    workflow.apply_machine_drafts(
        session, work, texts, engine_name, model_version, only_pending=only_pending, scores=scores
    )


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    """Machine drafts for every segment that has no text yet."""
    work = workflow.pending_work(session, payload["translation_id"])
    _translate_and_apply(session, work, app, only_pending=True)


def _run_segment(session: DbSession, payload: Payload, app: Flask) -> None:
    """A fresh machine draft of one segment, asked for by a translator."""
    _translate_and_apply(session, workflow.segment_work(session, payload), app, only_pending=False)


def _on_give_up(session: DbSession, payload: Payload, exc: Exception) -> None:
    """The translator sees why, in their language (from the code), and may translate by hand."""
    tr = session.get(Translation, payload.get("translation_id"))
    if tr is not None:
        code = workflow.MISSING_MODEL if isinstance(exc, MissingModelError) else workflow.MT_FAILED
        message = str(exc) if isinstance(exc, MTError) else f"{type(exc).__name__}: {exc}"
        workflow.mark_failed(session, tr, message, code)


MACHINE_TRANSLATE = register(
    JobHandler(
        kind=workflow.MT_JOB,
        run=_run,
        on_give_up=_on_give_up,
        expected_errors=(MTError,),
        final_errors=(MissingModelError,),
    )
)

MACHINE_TRANSLATE_SEGMENT = register(
    JobHandler(
        kind=workflow.MT_SEGMENT_JOB,
        run=_run_segment,
        expected_errors=(MTError,),
        final_errors=(MissingModelError,),
    )
)
