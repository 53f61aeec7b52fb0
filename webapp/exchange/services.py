"""XLIFF export and import of one translation, through the translator's own save."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession
from webapp.core.errors import NotReady, ValidationError, VersionConflict
from webapp.core.permissions import Permission, allowed, require
from webapp.exchange import xliff
from webapp.summaries.document import SegmentKey, segment_label
from webapp.translation import events, history, quality, review
from webapp.translation import workflow as translation
from webapp.translation.models import SegmentChange, SegmentTranslation, Translation
from webapp.translation.segmentation import segment_hash

MAX_BYTES = 10 * 1024 * 1024
# Report outcomes per unit.
SAVED, APPROVED, UNCHANGED, REFUSED = "saved", "approved", "unchanged", "refused"


def _group_of(key: str) -> tuple[str | None, str]:
    """The document part a segment belongs to, and its label ("body.2" -> "Paragraph 3")."""
    try:
        parsed = SegmentKey.parse(key)
    except ValueError:
        return None, key
    n = (parsed.index or 0) + 1
    if parsed.field == "lede":
        return "lede", str(_l("Lede"))
    if parsed.field == "body":
        return f"body.{parsed.index}", str(_l("Paragraph %(n)d", n=n))
    labels = {
        "quote": _l("Quote %(n)d", n=n),
        "participant": _l("Participant %(n)d", n=n),
        "photo": _l("Photo %(n)d", n=n),
    }
    if parsed.field in labels:
        return f"{parsed.field}.{parsed.index}", str(labels[parsed.field])
    return None, segment_label(key)


def _notes(
    st: SegmentTranslation,
    terms: tuple,
    questions: dict[str, list[str]],
    changed: set[int],
) -> tuple[tuple[str, str], ...]:
    notes = [("label", segment_label(st.key))]
    if st.status == "draft" and st.origin == "mt":
        notes.append(("draft", str(_l("Machine draft: no translator has approved it."))))
    elif st.status == "draft" and st.origin == "tm":
        notes.append(("draft", str(_l("From translation memory: confirm it fits here."))))
    if st.id in changed:
        notes.append(("source-changed", str(_l("The source changed since it was approved."))))
    folded = st.source_text.casefold()
    for term in terms:
        if term.source.casefold() in folded:
            notes.append(("glossary", f"{term.source} = {term.target}"))
    for body in questions.get(st.key, []):
        notes.append(("question", str(_l("Open question: %(q)s", q=body))))
    return tuple(notes)


def export_xliff(
    session: DbSession,
    tr: Translation,
    user: User | None,
    version: str,
    *,
    fill_source: bool = False,
) -> bytes:
    """The translation as an XLIFF file, for anyone who may read summaries (None: the shell).

    `fill_source` copies the source into the targets of segments with no text, marked not
    translated (for tools that translate what they find in the target, such as OmegaT)."""
    if user is not None:
        require(user, Permission.READ_SUMMARIES)
    if version not in xliff.VERSIONS:
        raise ValidationError({"version": str(_l("Choose XLIFF 2.1 or 1.2."))})
    terms = quality.terms(session, tr)
    questions: dict[str, list[str]] = {}
    for q in events.open_questions.ask(session, tr):
        if q.segment_key:
            questions.setdefault(q.segment_key, []).append(q.body)
    changed = set(history.previous_approvals(session, tr))
    groups: list[xliff.OutGroup] = []
    for st in tr.segments:
        key, label = _group_of(st.key)
        unit = xliff.OutUnit(
            key=st.key,
            source=st.source_text,
            target=st.text,
            status=str(st.status),
            origin=str(st.origin) if st.origin else None,
            source_hash=st.source_hash,
            version=st.version,
            notes=_notes(st, terms, questions, changed),
            source_changed=st.id in changed,
        )
        if key is not None and groups and groups[-1].key == key:
            last = groups[-1]
            groups[-1] = xliff.OutGroup(last.key, last.label, (*last.units, unit))
        else:
            groups.append(xliff.OutGroup(key, label, (unit,)))
    doc = xliff.OutDocument(
        summary_id=tr.summary_id,
        translation_id=tr.id,
        revision_id=tr.revision_id,
        source_locale=tr.summary.source_locale,
        target_locale=tr.locale,
        title=tr.summary.revision.title,
        groups=tuple(groups),
    )
    return xliff.write(doc, version, fill_source=fill_source)


def filename(tr: Translation, version: str) -> str:
    return f"{tr.summary.slug}-{tr.locale}-xliff{version.replace('.', '')}.xlf"


@dataclass(frozen=True)
class UnitResult:
    key: str
    label: str
    outcome: str  # saved | approved | unchanged | refused
    message: str = ""


@dataclass(frozen=True)
class Report:
    translation_id: int
    units: list[UnitResult]

    def count(self, outcome: str) -> int:
        return sum(1 for u in self.units if u.outcome == outcome)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)


def read_file(session: DbSession, data: bytes) -> tuple[Translation, xliff.InDocument]:
    """Parse a file and find the translation it was exported from (the CLI's way in)."""
    doc = _parse(data)
    return translation.get_translation(session, doc.translation_id), doc


def _parse(data: bytes) -> xliff.InDocument:
    if not data:
        raise ValidationError({"file": str(_l("Choose an XLIFF file to import."))})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": str(_l("The file is too large for one translation."))})
    return xliff.read(data)


def import_xliff(
    session: DbSession,
    tr: Translation,
    data: bytes,
    user: User,
    *,
    reason: str | None = None,
    second_approver: bool = False,
    doc: xliff.InDocument | None = None,
) -> Report:
    """Bring a CAT tool's targets back as drafts (or approvals); a report per unit.

    A file that cannot be read, or was made for another translation or language pair, is
    refused whole before anything is saved. Each unit then goes through the translator's own
    save (`review.save_segment`): versions are compared, the checks run, history and audit kept.
    """
    require(user, Permission.REVIEW, tr.locale)
    doc = doc or _parse(data)
    _check_belongs(tr, doc)
    by_key = {st.key: st for st in tr.segments}
    may_approve = allowed(user, Permission.REVIEW, tr.locale)
    terms = quality.terms(session, tr)
    reason = reason.strip() if reason and reason.strip() else None
    results = [
        _import_unit(session, tr, by_key, u, user, may_approve, reason, second_approver, terms)
        for u in doc.units
    ]
    report = Report(tr.id, results)
    audit.record(
        session,
        user,
        "translation.xliff_import",
        "translation",
        tr.id,
        version=doc.version,
        **{o: report.count(o) for o in (SAVED, APPROVED, UNCHANGED, REFUSED)},
    )
    session.flush()
    return report


def _check_belongs(tr: Translation, doc: xliff.InDocument) -> None:
    if doc.summary_id != tr.summary_id:
        raise ValidationError({"file": str(_l("This file was exported from another summary."))})
    if doc.translation_id != tr.id:
        raise ValidationError({"file": str(_l("This file was exported from another translation."))})
    if (doc.source_locale, doc.target_locale) != (tr.summary.source_locale, tr.locale):
        raise ValidationError(
            {
                "file": str(
                    _l(
                        "The file translates %(source)s into %(target)s; this translation is "
                        "%(ours_source)s into %(ours_target)s.",
                        source=doc.source_locale or "?",
                        target=doc.target_locale or "?",
                        ours_source=tr.summary.source_locale,
                        ours_target=tr.locale,
                    )
                )
            }
        )


def _text_at(session: DbSession, st: SegmentTranslation, version: int) -> str | None:
    """The segment's text at an earlier version (from its history)."""
    return session.scalar(
        select(SegmentChange.text)
        .where(SegmentChange.segment_translation_id == st.id, SegmentChange.version == version)
        .order_by(SegmentChange.id.desc())
        .limit(1)
    )


def _import_unit(
    session: DbSession,
    tr: Translation,
    by_key: dict[str, SegmentTranslation],
    u: xliff.InUnit,
    user: User,
    may_approve: bool,
    reason: str | None,
    second_approver: bool,
    terms: tuple,
) -> UnitResult:
    st = by_key.get(u.key)
    label = segment_label(u.key)

    def result(outcome: str, message: object = "") -> UnitResult:
        return UnitResult(u.key, label, outcome, str(message))

    if st is None:
        return result(REFUSED, _l("Unknown unit: this translation has no segment with that id."))
    if (u.source_hash or segment_hash(u.source)) != st.source_hash:
        return result(REFUSED, _l("The source changed since the file was exported."))
    text = u.target
    if text is None or not text.strip():
        return result(UNCHANGED)
    approve = u.final and may_approve
    if text == st.text and (not approve or st.status == "approved"):
        return result(UNCHANGED)
    if u.version is not None and u.version != st.version:
        if text == _text_at(session, st, u.version):
            return result(UNCHANGED, _l("Changed in Kakehashi since the export; kept."))
        return result(
            REFUSED,
            _l("Version conflict: someone changed this segment after the file was exported."),
        )

    def save(approving: bool) -> None:
        review.save_segment(
            session,
            tr,
            st,
            text,
            approve=approving,
            user=user,
            expected_version=st.version,
            second_approver=second_approver,
            reason=reason,
        )

    note = ""
    try:
        if approve:
            try:
                save(True)
                return result(APPROVED)
            except ValidationError as exc:
                if "reason" not in exc.fields:
                    raise
                note = str(_l("Needs review: %(why)s", why=exc.fields["reason"]))
            except NotReady as exc:
                note = str(_l("Needs review: %(why)s", why=exc.message))
        save(False)
    except ValidationError as exc:
        return result(REFUSED, " ".join(exc.fields.values()) or exc.message)
    except VersionConflict:
        return result(
            REFUSED,
            _l("Version conflict: someone changed this segment after the file was exported."),
        )
    found = quality.findings(tr, st, st.text, terms)
    checks = " ".join(f.message for f in found)
    return result(SAVED, " ".join(m for m in (note, checks) if m))
