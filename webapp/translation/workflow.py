"""The translation workflow: segments per revision, reuse, queueing, status."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true, update
from sqlalchemy.orm import joinedload

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, rowcount, utcnow
from webapp.core.errors import NotFound, NotReady, ValidationError, VersionConflict
from webapp.core.locales import target_locales
from webapp.core.permissions import Permission, require
from webapp.glossary.services import Term
from webapp.jobs import queue as jobs
from webapp.summaries.models import Revision, Summary
from webapp.translation import history, memory, quality, segmentation, states
from webapp.translation.models import (
    ChangeKind,
    Origin,
    Segment,
    SegmentStatus,
    SegmentTranslation,
    Translation,
    TranslationStatus,
    segments_of,
)

MT_JOB = "machine_translate"
MT_SEGMENT_JOB = "machine_translate_segment"  # a translator asked for a fresh draft of one
# Each segment is rows, machine work and a translator's attention; a real summary has a few hundred.
MAX_SEGMENTS = 2000


def freeze_segments(session: DbSession, revision: Revision, locale: str) -> list[Segment]:
    """Cut the revision's translatable text into ordered, hashed segments."""
    specs = segmentation.source_segments(revision, locale)
    if len(specs) > MAX_SEGMENTS:
        raise ValidationError(
            {
                "body": str(
                    _l(
                        "This summary splits into %(n)d sentences; at most %(max)d fit one "
                        "summary. Split it into several summaries.",
                        n=len(specs),
                        max=MAX_SEGMENTS,
                    )
                )
            }
        )
    segments = [
        Segment(key=s.key, position=i, source_text=s.text, source_hash=s.hash)
        for i, s in enumerate(specs)
    ]
    segments_of(revision).extend(segments)  # saved with the revision (its cascade)
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
            tr = Translation(summary_id=summary.id, locale=locale, revision_id=revision.id)
            session.add(tr)
            states.transition(session, tr, TranslationStatus.QUEUED, new=True)
        was_approved = (
            tr.status == TranslationStatus.APPROVED and tr.approved_revision_id == tr.revision_id
        )
        changed = _reconcile(session, tr, segments, summary.source_locale, revision.created_by_id)
        tr.revision_id = revision.id
        if was_approved and not changed:
            tr.approved_revision_id = revision.id  # same approved text (date or countries edited)
        # An earlier approved version restored: every sentence is back, approved, as it was when
        # the whole was approved, so the translation is approved again, not sent to review.
        restored = changed and history.as_last_approved(session, tr)
        if restored:
            tr.approved_revision_id = revision.id
        refresh_status(session, tr)  # changed text needs a new approval, or machine drafts
        if restored:
            states.transition(
                session,
                tr,
                TranslationStatus.APPROVED,
                actor_id=revision.created_by_id,
                reason="approved text restored",
            )
        result.append(tr)
    return result


def _reconcile(
    session: DbSession, tr: Translation, segments: list[Segment], source: str, actor_id: int | None
) -> bool:
    """Keep unchanged sentences (even when they moved), reset changed ones, fill from memory.

    Returns True if anything changed. Each reset is kept in the segment's history, so the previous
    approved text stays available.
    """
    rows = _match_rows(tr, segments)
    changed = any(row is None or row.key != seg.key for seg, row, _same in rows)
    gone = [st for st in tr.segments if all(st is not row for _seg, row, _same in rows)]
    for st in gone:
        session.delete(st)
    # Keys are unique per translation: park the rows that move, then give them their new keys.
    for n, (seg, row, _same) in enumerate(rows):
        if row is not None and row.key != seg.key:
            row.key = f"~{n}"
    session.flush()
    matches = memory.lookup(session, source, tr.locale, [s.source_hash for s in segments])
    touched: list[tuple[SegmentTranslation, ChangeKind]] = []
    keep: list[SegmentTranslation] = []
    used: list[int] = []
    for index, (seg, row, same) in enumerate(rows):
        st = row if row is not None else SegmentTranslation(key=seg.key, version=0)
        st.key, st.segment_id, st.position = seg.key, seg.id, seg.position
        keep.append(st)
        if same:
            continue
        changed = True
        st.source_text, st.source_hash = seg.source_text, seg.source_hash
        st.version = (st.version or 0) + 1
        st.engine = st.model_version = st.approved_at = st.approved_by_id = st.edited_by_id = None
        st.memory_entry_id = st.score = st.inserted_terms = None
        hit = matches.get(seg.source_hash)
        if hit is not None:
            st.text, st.origin, st.memory_entry_id = hit.target_text, Origin.TM, hit.id
            used.append(hit.id)
            if memory.arrives_approved(hit, memory.neighbours(segments, index)):
                st.status = SegmentStatus.APPROVED
                st.approved_by_id, st.approved_at = hit.approved_by_id, hit.updated_at
            else:
                st.status = SegmentStatus.DRAFT  # a reviewer confirms it (one key: Ctrl+Enter)
            touched.append((st, ChangeKind.MEMORY))
        else:
            st.text, st.origin, st.status = None, None, SegmentStatus.PENDING
            touched.append((st, ChangeKind.SOURCE_CHANGED))
    tr.segments = keep
    session.flush()
    memory.record_use(session, used)
    for st, kind in touched:
        history.record(session, st, kind, actor_id)
    return changed or bool(gone)


def _match_rows(
    tr: Translation, segments: list[Segment]
) -> list[tuple[Segment, SegmentTranslation | None, bool]]:
    """Pair each new segment with the row that carries its translation: (segment, row, same text).

    First the row at the same key with the same text; then a row with the same text elsewhere (a
    sentence moved, say after an inserted sentence); then the row at the same key, to be reset.
    """
    by_key = {st.key: st for st in tr.segments}
    by_hash: dict[str, list[SegmentTranslation]] = {}
    for row in sorted(tr.segments, key=lambda s: s.position):
        by_hash.setdefault(row.source_hash, []).append(row)
    taken: set[int] = set()
    pairs: list[tuple[SegmentTranslation | None, bool]] = []
    for seg in segments:
        same = by_key.get(seg.key)
        if same is not None and same.source_hash == seg.source_hash:
            taken.add(id(same))
            pairs.append((same, True))
        else:
            pairs.append((None, False))
    for i, seg in enumerate(segments):
        if pairs[i][0] is None:
            moved = next((r for r in by_hash.get(seg.source_hash, []) if id(r) not in taken), None)
            if moved is not None:
                taken.add(id(moved))
                pairs[i] = (moved, True)
    for i, seg in enumerate(segments):
        if pairs[i][0] is None:
            reused = by_key.get(seg.key)
            if reused is not None and id(reused) not in taken:
                taken.add(id(reused))
                pairs[i] = (reused, False)
    return [(seg, row, same) for seg, (row, same) in zip(segments, pairs, strict=True)]


def refresh_status(
    session: DbSession,
    tr: Translation,
    *,
    enqueue: bool = True,
    actor_id: int | None = None,
    retrying: bool = False,
) -> None:
    """Move the translation to the status its segments call for; queue MT for pending ones.

    A failed translation keeps waiting for a retry (`retrying`) or a translator's own text.
    """
    pending = any(st.status == SegmentStatus.PENDING for st in tr.segments)
    if pending:
        if tr.status == TranslationStatus.FAILED and not retrying:
            return
        waiting = TranslationStatus.STALE if tr.approved_revision_id else TranslationStatus.QUEUED
        states.transition(session, tr, waiting, actor_id=actor_id)
        if enqueue:
            jobs.enqueue_once(
                session, MT_JOB, {"translation_id": tr.id}, dedupe_key=f"{MT_JOB}:{tr.id}"
            )
    elif not (
        tr.status == TranslationStatus.APPROVED and tr.approved_revision_id == tr.revision_id
    ):
        states.transition(session, tr, TranslationStatus.IN_REVIEW, actor_id=actor_id)
    session.flush()


def retry(session: DbSession, tr: Translation, user: User) -> None:
    """Send a failed translation's pending segments back to machine translation.

    Only a failed translation is retried: retrying anything else would move an approved
    translation back to review without anyone deciding so.
    """
    require(user, Permission.REVIEW, tr.locale)
    if tr.status != TranslationStatus.FAILED:
        raise NotReady(str(_l("Only a failed machine translation can be retried.")), [])
    refresh_status(session, tr, actor_id=user.id, retrying=True)
    audit.record(session, user, "translation.retry", "translation", tr.id)


def retry_failed_pair(session: DbSession, source_locale: str, locale: str, why: str) -> int:
    """Send every failed translation of a pair back to machine translation (a model for the
    pair was installed: most failed for want of it, and the rest get a new model's chance).

    Done by nobody in particular, so the audit row has no actor and says why. Returns how many.
    """
    failed = session.scalars(
        select(Translation)
        .join(Summary, Summary.id == Translation.summary_id)
        .where(
            Summary.source_locale == source_locale,
            Translation.locale == locale,
            Translation.status == TranslationStatus.FAILED,
        )
        .order_by(Translation.id)
    ).all()
    for tr in failed:
        refresh_status(session, tr, retrying=True)
        audit.record(session, None, "translation.retry", "translation", tr.id, reason=why)
    return len(failed)


def get_translation(session: DbSession, translation_id: int) -> Translation:
    """The translation with its summary and current revision, read in one statement: on
    PostgreSQL each statement sees its own moment, and a summary deleted between two of them
    would leave the request holding a translation without a summary."""
    tr = session.get(
        Translation,
        translation_id,
        options=[joinedload(Translation.summary).joinedload(Summary.current_revision)],
    )
    if tr is None:
        raise NotFound(str(_l("No translation with that id.")))
    return tr


@dataclass(frozen=True)
class PendingSegment:
    """What the machine is asked to translate, and the segment version it was read at."""

    id: int
    version: int
    source_hash: str
    source_text: str


@dataclass(frozen=True)
class MachineWork:
    """A snapshot of one translation's pending segments, taken before the (slow) engine runs."""

    translation_id: int
    source_locale: str
    target_locale: str
    segments: tuple[PendingSegment, ...]
    terms: tuple[Term, ...] = ()  # the summary's glossary, protected during translation


def pending_work(session: DbSession, translation_id: int) -> MachineWork | None:
    """Read what needs a machine draft; None when the translation is gone."""
    tr = session.get(Translation, translation_id)
    if tr is None:  # the summary was deleted meanwhile
        return None
    pending = tuple(
        PendingSegment(st.id, st.version, st.source_hash, st.source_text)
        for st in tr.segments
        if st.status == SegmentStatus.PENDING
    )
    terms = machine_terms(session, tr) if pending else ()
    return MachineWork(tr.id, tr.summary.source_locale, tr.locale, pending, terms)


NAME_KEYS = ("participant.", "location")


def machine_terms(session: DbSession, tr: Translation) -> tuple[Term, ...]:
    """What machine translation must keep: the glossary and approved names (`quality.terms`),
    and the names whose rendering a person or the memory already gave in this translation
    (a participant's name drafted from memory is that person's name here too)."""
    found = list(quality.terms(session, tr))
    known = {term.source for term in found}
    for st in tr.segments:
        if (
            st.key.startswith(NAME_KEYS)
            and st.key.endswith(("name", "location"))
            and st.status == SegmentStatus.DRAFT
            and st.origin in (Origin.TM, Origin.HUMAN)
            and st.text
            and st.source_text not in known
        ):
            found.append(Term(st.source_text, st.text, case_sensitive=True, name=True))
            known.add(st.source_text)
    return tuple(found)


def segment_conflict(st: SegmentTranslation) -> VersionConflict:
    """A write based on an older version of this segment: 409 with the text that is there now."""
    return VersionConflict(
        str(_l("Someone changed this segment after you opened it. Review their text.")),
        current_version=st.version,
        current={"text": st.text, "status": str(st.status)},
    )


def request_machine_draft(
    session: DbSession, tr: Translation, st: SegmentTranslation, user: User, expected_version: int
) -> None:
    """Queue a fresh machine draft of one segment; it lands only if nobody changes it meanwhile."""
    require(user, Permission.REVIEW, tr.locale)
    if expected_version != st.version:
        raise segment_conflict(st)
    jobs.enqueue_once(
        session,
        MT_SEGMENT_JOB,
        {"translation_id": tr.id, "segment_id": st.id, "version": st.version},
        dedupe_key=f"{MT_SEGMENT_JOB}:{st.id}:{st.version}",
    )
    audit.record(session, user, "segment.machine_requested", "segment", st.id)


def segment_work(session: DbSession, payload: dict) -> MachineWork | None:
    """The one segment a translator asked the machine to redo, if it is still as they saw it."""
    tr = session.get(Translation, payload["translation_id"])
    st = session.get(SegmentTranslation, payload["segment_id"])
    if tr is None or st is None or st.translation_id != tr.id or st.version != payload["version"]:
        return None
    seg = PendingSegment(st.id, st.version, st.source_hash, st.source_text)
    terms = machine_terms(session, tr)
    return MachineWork(tr.id, tr.summary.source_locale, tr.locale, (seg,), terms)


def apply_machine_drafts(
    session: DbSession,
    work: MachineWork,
    texts: list[str],
    engine: str,
    model_version: str,
    *,
    only_pending: bool = True,
    scores: list[float | None] | None = None,
    inserted: list[list[dict[str, str]]] | None = None,
) -> tuple[int, int]:
    """Write each draft only onto the segment version and source it was made from.

    A translator's save, a liaison's edit or another worker may have changed a segment while the
    engine ran; such a segment is skipped (compare-and-set on version, source hash and status), and
    if it still waits for a draft, the translation is queued again. `inserted` lists, per draft,
    the terms the app placed because the engine dropped them. Returns (applied, skipped).
    """
    applied_ids: list[int] = []
    scores = scores if scores is not None else [None] * len(texts)
    marks = inserted if inserted is not None else [[] for _text in texts]
    for seg, text, score, mark in zip(work.segments, texts, scores, marks, strict=True):
        result = session.execute(
            update(SegmentTranslation)
            .where(
                SegmentTranslation.id == seg.id,
                SegmentTranslation.version == seg.version,
                SegmentTranslation.source_hash == seg.source_hash,
                SegmentTranslation.status == SegmentStatus.PENDING if only_pending else true(),
            )
            .values(
                text=text,
                origin=Origin.MT,
                status=SegmentStatus.DRAFT,
                engine=engine,
                model_version=model_version,
                score=score,
                inserted_terms=mark or None,
                version=SegmentTranslation.version + 1,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) == 1:
            applied_ids.append(seg.id)
    applied = len(applied_ids)
    if applied_ids:  # one query for the history rows, not one per segment
        written = session.scalars(
            select(SegmentTranslation)
            .where(SegmentTranslation.id.in_(applied_ids))
            .execution_options(populate_existing=True)
        )
        for st in written:
            history.record(session, st, ChangeKind.MACHINE, None)
    skipped = len(work.segments) - applied
    tr = session.get(Translation, work.translation_id, populate_existing=True)
    if tr is not None:
        session.expire(tr, ["segments"])
        if applied and tr.status == TranslationStatus.APPROVED:
            # a redone segment needs approval again
            states.transition(session, tr, TranslationStatus.IN_REVIEW)
        refresh_status(session, tr)  # segments still pending (a source edit) are queued again
        if applied:
            audit.record(
                session,
                None,
                "segment.machine_draft",
                "translation",
                tr.id,
                applied=applied,
                skipped=skipped,
                engine=engine,
                model_version=model_version,
            )
    return applied, skipped


MISSING_MODEL = "missing_model"
MT_FAILED = "mt_failed"


def mark_failed(session: DbSession, tr: Translation, error: str, code: str = MT_FAILED) -> None:
    """Keep the reason where the translator sees it; they may still translate by hand.

    A translation that no longer waits for the machine (a translator wrote the missing sentences
    meanwhile) is left as it is: nothing of it failed.
    """
    if tr.status != TranslationStatus.FAILED and not states.allowed(
        tr.status, TranslationStatus.FAILED
    ):
        return
    states.transition(session, tr, TranslationStatus.FAILED)
    tr.error, tr.error_code = error, code
    session.flush()
