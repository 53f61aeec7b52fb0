"""The translation workflow: segments per revision, reuse, queueing, status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.core.errors import NotFound
from webapp.core.locales import target_locales
from webapp.jobs import queue as jobs
from webapp.summaries.models import Revision, Summary
from webapp.translation import segmentation
from webapp.translation.models import (
    MemoryEntry,
    Origin,
    Segment,
    SegmentStatus,
    SegmentTranslation,
    Translation,
    TranslationStatus,
)

MT_JOB = "machine_translate"


def freeze_segments(session: DbSession, revision: Revision, locale: str) -> list[Segment]:
    """Cut the revision's translatable text into ordered, hashed segments."""
    specs = segmentation.segment_fields(
        locale=locale,
        title=revision.title,
        lede=revision.lede,
        body=revision.body,
        location=revision.location,
        quotes=[q.get("text", "") for q in revision.quotes],
        quote_speakers=[q.get("speaker", "") for q in revision.quotes],
        participant_names=[p.get("name", "") for p in revision.participants],
        participant_roles=[p.get("role", "") for p in revision.participants],
    )
    segments = [
        Segment(key=s.key, position=i, source_text=s.text, source_hash=s.hash)
        for i, s in enumerate(specs)
    ]
    revision.segments = segments
    session.flush()
    return segments


def sync_translations(
    session: DbSession, summary: Summary, revision: Revision
) -> list[Translation]:
    """Bring every target translation to `revision`, keeping segments whose source is unchanged."""
    segments = freeze_segments(session, revision, summary.source_locale)
    result = []
    for locale in target_locales(summary.source_locale):
        tr = session.scalar(
            select(Translation).where(
                Translation.summary_id == summary.id, Translation.locale == locale
            )
        )
        if tr is None:
            tr = Translation(
                summary_id=summary.id,
                locale=locale,
                revision_id=revision.id,
                status=TranslationStatus.QUEUED,
            )
            session.add(tr)
            session.flush()
        was_approved = (
            tr.status == TranslationStatus.APPROVED and tr.approved_revision_id == tr.revision_id
        )
        changed = _reconcile(session, tr, segments, summary.source_locale)
        tr.revision_id = revision.id
        if was_approved and not changed:
            tr.approved_revision_id = revision.id  # same approved text (date or countries edited)
        elif tr.status == TranslationStatus.APPROVED:
            tr.status = TranslationStatus.IN_REVIEW  # changed text needs a new approval
        refresh_status(session, tr)
        result.append(tr)
    return result


def _reconcile(session: DbSession, tr: Translation, segments: list[Segment], source: str) -> bool:
    """Keep unchanged segments, reset changed ones, fill from memory; True if any changed."""
    existing = {st.key: st for st in tr.segments}
    changed = False
    memory = _memory_lookup(session, source, tr.locale, [s.source_hash for s in segments])
    keep: list[SegmentTranslation] = []
    for seg in segments:
        st = existing.pop(seg.key, None)
        if st is None:
            st = SegmentTranslation(key=seg.key, version=0)
        elif st.source_hash == seg.source_hash:
            st.segment_id, st.position = seg.id, seg.position
            keep.append(st)
            continue
        changed = True
        st.segment_id, st.position = seg.id, seg.position
        st.source_text, st.source_hash = seg.source_text, seg.source_hash
        st.version = (st.version or 0) + 1
        st.engine = st.model_version = st.approved_at = st.approved_by_id = st.edited_by_id = None
        hit = memory.get(seg.source_hash)
        if hit is not None:
            st.text, st.origin, st.status = hit.target_text, Origin.TM, SegmentStatus.APPROVED
            st.approved_by_id, st.approved_at = hit.approved_by_id, hit.updated_at
        else:
            st.text, st.origin, st.status = None, None, SegmentStatus.PENDING
        keep.append(st)
    for gone in existing.values():
        session.delete(gone)
        changed = True
    tr.segments = keep
    session.flush()
    return changed


def _memory_lookup(
    session: DbSession, source: str, target: str, hashes: list[str]
) -> dict[str, MemoryEntry]:
    if not hashes:
        return {}
    rows = session.scalars(
        select(MemoryEntry).where(
            MemoryEntry.source_locale == source,
            MemoryEntry.target_locale == target,
            MemoryEntry.source_hash.in_(set(hashes)),
        )
    )
    return {m.source_hash: m for m in rows}


def refresh_status(session: DbSession, tr: Translation, *, enqueue: bool = True) -> None:
    """Derive the translation's status from its segments; queue MT for pending ones."""
    pending = any(st.status == SegmentStatus.PENDING for st in tr.segments)
    if pending:
        if tr.status == TranslationStatus.FAILED:
            return  # waits for a retry or a translator's own text
        tr.status = TranslationStatus.STALE if tr.approved_revision_id else TranslationStatus.QUEUED
        if enqueue:
            jobs.enqueue_once(
                session, MT_JOB, {"translation_id": tr.id}, dedupe_key=f"{MT_JOB}:{tr.id}"
            )
    elif not (
        tr.status == TranslationStatus.APPROVED and tr.approved_revision_id == tr.revision_id
    ):
        tr.status = TranslationStatus.IN_REVIEW
        tr.error = tr.error_code = None
    session.flush()


def retry(session: DbSession, tr: Translation) -> None:
    """Send a failed translation's pending segments back to machine translation."""
    tr.status = TranslationStatus.QUEUED
    tr.error = tr.error_code = None
    refresh_status(session, tr)


def get_translation(session: DbSession, translation_id: int) -> Translation:
    tr = session.get(Translation, translation_id)
    if tr is None:
        raise NotFound(str(_l("No translation with that id.")))
    return tr


def apply_machine_translation(session: DbSession, tr: Translation, engine) -> int:
    """Machine-translate the pending segments in one batch; returns how many were filled.

    Raises the engine's errors; the caller decides whether to retry or fail.
    """
    pending = [st for st in tr.segments if st.status == SegmentStatus.PENDING]
    if pending:
        source = tr.summary.source_locale
        texts = engine.translate_batch([st.source_text for st in pending], source, tr.locale)
        model_version = engine.model_version(source, tr.locale)
        for st, text in zip(pending, texts, strict=True):
            st.text, st.origin, st.status = text, Origin.MT, SegmentStatus.DRAFT
            st.engine, st.model_version = engine.name, model_version
            st.version += 1
    refresh_status(session, tr, enqueue=False)
    return len(pending)


MISSING_MODEL = "missing_model"
MT_FAILED = "mt_failed"


def mark_failed(session: DbSession, tr: Translation, error: str, code: str = MT_FAILED) -> None:
    """Keep the reason where the translator sees it; they may still translate by hand."""
    tr.status = TranslationStatus.FAILED
    tr.error, tr.error_code = error, code
    session.flush()
