"""The machine-translation jobs: registered with the worker's registry.

A worker claims up to MT_CLAIM_TRANSLATIONS waiting translations at once and sends all their
pending segments through one engine call (one per language pair); each job then applies its own
drafts, with compare-and-set, in its own transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from itertools import islice

from flask import Flask, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.core import metrics
from webapp.core.db import DbSession
from webapp.core.i18n import language_name
from webapp.glossary import masking
from webapp.glossary.services import Term
from webapp.jobs.describe import Subject, describer
from webapp.jobs.registry import Capability, JobHandler, Outcome, Payload, register
from webapp.mt.base import MissingModelError, MTError
from webapp.mt.engines import engine_for
from webapp.summaries.models import Revision, Summary
from webapp.translation import fuzzy, workflow
from webapp.translation.models import Translation


@dataclass(frozen=True)
class _Drafts:
    """The engine's drafts for one translation's pending segments, in order, with the terms the
    app placed itself in each (the engine dropped their placeholders)."""

    texts: list[str]
    scores: list[float | None]
    engine: str = ""
    model_version: str = ""
    inserted: list[list[dict[str, str]]] | None = None


_NO_DRAFTS = _Drafts([], [])


def _forbidden(work: workflow.MachineWork) -> tuple[str, ...]:
    """Renderings the summary's glossary forbids: the decoder must not produce them."""
    return tuple(sorted({wrong for term in work.terms for wrong in term.forbidden}))


def _mark(term: Term) -> dict[str, str]:
    """What the review page says of a term the app inserted."""
    return {
        "source": term.source,
        "target": term.target,
        "kind": "name" if term.name else "glossary",
    }


def _translate(app: Flask, works: list[workflow.MachineWork]) -> list[_Drafts]:
    """Every pending segment of `works` (one language pair, one forbidden list) in one call.

    Each required term and name comes back: restored where the engine kept its placeholder
    (even bent), else placed where the engine's attention aligned it (see `masking.restore`).
    """
    first = works[0]
    source, target = first.source_locale, first.target_locale
    engine = engine_for(app)
    masked = [
        [masking.protect(seg.source_text, work.terms) for seg in work.segments] for work in works
    ]
    flat = [m for texts in masked for m in texts]
    started = time.perf_counter()
    drafts = iter(
        engine.translate_anchored(
            [m.text for m in flat],
            source,
            target,
            suppress=_forbidden(first),
            spans=[m.spans for m in flat],
        )
    )
    metrics.observe_mt(source, target, len(flat), time.perf_counter() - started)
    version = engine.model_version(source, target)
    out = []
    for texts in masked:
        mine = list(islice(drafts, len(texts)))
        restored = [
            masking.restore(draft.text, m, draft.anchors)
            for draft, m in zip(mine, texts, strict=True)
        ]
        out.append(
            _Drafts(
                [r.text for r in restored],
                [draft.score for draft in mine],
                engine.name,
                version,
                [[_mark(term) for term in r.inserted] for r in restored],
            )
        )
    return out


def _apply(
    session: DbSession, work: workflow.MachineWork, drafts: _Drafts, *, only_pending: bool
) -> None:
    """Write the drafts with compare-and-set: what people changed meanwhile is kept."""
    workflow.apply_machine_drafts(
        session,
        work,
        drafts.texts,
        drafts.engine,
        drafts.model_version,
        only_pending=only_pending,
        scores=drafts.scores,
        inserted=drafts.inserted,
    )
    _find_matches_ahead(session, work)


def _find_matches_ahead(session: DbSession, work: workflow.MachineWork) -> None:
    """Look up the memory's close matches for the sentences just drafted, in the worker: the
    lists are kept (translation.fuzzy), so the translator's first open of the page reads them
    instead of searching a large memory while they wait."""
    fuzzy.close_matches(
        session,
        work.source_locale,
        work.target_locale,
        ((seg.id, seg.source_text, seg.source_hash) for seg in work.segments),
    )


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
    drafts = _translate(app, [work])[0] if work.segments else _NO_DRAFTS
    _apply(session, work, drafts, only_pending=only_pending)


def _run_batch(session: DbSession, payloads: list[Payload], app: Flask) -> list[Outcome]:
    """Several translations' pending segments through one engine call per language pair.

    Returns, for each job, what applies its drafts in the job's own transaction, or the error
    that fails that job alone: a translation deleted meanwhile has nothing to apply, and a
    batch the engine cannot translate is tried again one translation at a time, so one bad
    translation does not fail the others.
    """
    works: list[workflow.MachineWork | None | Exception] = []
    for payload in payloads:
        try:
            works.append(workflow.pending_work(session, payload["translation_id"]))
        except Exception as exc:  # noqa: BLE001 - this job's failure, not the batch's
            session.rollback()
            works.append(exc)
    session.commit()  # no transaction stays open while the engine runs
    groups: dict[tuple, list[tuple[int, workflow.MachineWork]]] = {}
    for i, work in enumerate(works):
        if isinstance(work, workflow.MachineWork) and work.segments:
            key = (work.source_locale, work.target_locale, _forbidden(work))
            groups.setdefault(key, []).append((i, work))
    results: dict[int, _Drafts | Exception] = {}
    for members in groups.values():
        drafts = _translate_group(app, [work for _i, work in members])
        results.update(zip([i for i, _work in members], drafts, strict=True))
    return [_outcome(work, results.get(i, _NO_DRAFTS)) for i, work in enumerate(works)]


def _outcome(work: workflow.MachineWork | None | Exception, drafts: _Drafts | Exception) -> Outcome:
    """What the worker runs in the job's own transaction, or the error that fails the job."""
    if isinstance(work, Exception):
        return work
    if isinstance(drafts, Exception):
        return drafts
    if work is None:  # the summary was deleted meanwhile: nothing to apply
        return lambda _session: None
    return partial(_apply, work=work, drafts=drafts, only_pending=True)


def _translate_group(app: Flask, works: list[workflow.MachineWork]) -> list[_Drafts | Exception]:
    """One call for the group; if the engine fails, one call per translation, so that only the
    translation it cannot translate fails (a missing model fails them all, once)."""
    try:
        return [*_translate(app, works)]
    except MTError as exc:
        if len(works) == 1 or isinstance(exc, MissingModelError):
            return [exc] * len(works)
    except Exception as exc:  # noqa: BLE001 - becomes the failure of these jobs
        return [exc] * len(works)
    alone: list[_Drafts | Exception] = []
    for work in works:
        try:
            alone.append(_translate(app, [work])[0])
        except Exception as exc:  # noqa: BLE001 - becomes the failure of this job
            alone.append(exc)
    return alone


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    """Machine drafts for every segment that has no text yet."""
    work = workflow.pending_work(session, payload["translation_id"])
    _translate_and_apply(session, work, app, only_pending=True)


def _run_segment(session: DbSession, payload: Payload, app: Flask) -> None:
    """A fresh machine draft of one segment, asked for by a translator."""
    _translate_and_apply(session, workflow.segment_work(session, payload), app, only_pending=False)


def _on_give_up(session: DbSession, payload: Payload, exc: Exception) -> None:
    """The translator sees why, in their language (from the code), and may translate by hand."""
    tr_id = payload.get("translation_id")
    tr = session.get(Translation, tr_id) if tr_id is not None else None
    if tr is not None:
        code = workflow.MISSING_MODEL if isinstance(exc, MissingModelError) else workflow.MT_FAILED
        message = str(exc) if isinstance(exc, MTError) else f"{type(exc).__name__}: {exc}"
        workflow.mark_failed(session, tr, message, code)


def _capability(app: Flask) -> Capability:
    """The pairs in this worker's model folder (listed once per change of the folder), with the
    device and compute type it runs them on."""
    return Capability(
        pairs=tuple(engine_for(app).pairs()),
        device=str(app.config["MT_DEVICE"]),
        compute_type=str(app.config["MT_COMPUTE_TYPE"]),
    )


MACHINE_TRANSLATE = register(
    JobHandler(
        kind=workflow.MT_JOB,
        run=_run,
        on_give_up=_on_give_up,
        expected_errors=(MTError,),
        final_errors=(MissingModelError,),
        run_batch=_run_batch,
        batch_size=lambda app: app.config["MT_CLAIM_TRANSLATIONS"],
        capability=_capability,
    )
)

MACHINE_TRANSLATE_SEGMENT = register(
    JobHandler(
        kind=workflow.MT_SEGMENT_JOB,
        run=_run_segment,
        family=workflow.MT_JOB,
        capability=_capability,
        expected_errors=(MTError,),
        final_errors=(MissingModelError,),
    )
)


@describer(workflow.MT_JOB, workflow.MT_SEGMENT_JOB)
def _describe(session: DbSession, payloads: list[Payload]) -> list[Subject | None]:
    """The summary each job translates (its current title, in its language) and the target."""
    ids = {int(p["translation_id"]) for p in payloads if str(p.get("translation_id")).isdigit()}
    rows = session.execute(
        select(
            Translation.id, Translation.locale, Summary.id, Summary.source_locale, Revision.title
        )
        .join(Summary, Summary.id == Translation.summary_id)
        .join(Revision, Revision.id == Summary.current_revision_id)
        .where(Translation.id.in_(ids))
    ).all()
    found = {
        tr_id: Subject(
            title,
            url=url_for("summaries.summary", summary_id=summary_id),
            lang=source,
            detail=_("into %(language)s", language=language_name(locale)),
        )
        for tr_id, locale, summary_id, source, title in rows
    }
    return [found.get(int(p.get("translation_id") or 0)) for p in payloads]
