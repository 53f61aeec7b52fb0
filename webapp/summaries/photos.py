"""Photos of a summary: add, change, move and remove them.

Every change appends a revision whose `photos` list holds the words (caption, alt text, credit,
image id) in reading order, so the normal flow follows: captions and alt texts become segments
(`photo.<i>.caption`, `photo.<i>.alt`), an edited caption alone goes back to the machine and to
review, and readers see it only once it is approved and published. Credits and image ids are
shown as written and never sent to the machine.

A photo may wait for its file (an imported release names its photos before the images are at
hand): its words are in the revision like any photo's, its row has no file until one is
uploaded into it, and publishing is refused until every photo has its file.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import object_session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, rowcount, utcnow
from webapp.core.errors import NotFound, PreconditionFailed, Refused, ValidationError
from webapp.core.events import emit
from webapp.core.permissions import Permission, require
from webapp.core.schemas import parse
from webapp.photos import storage
from webapp.photos.models import Photo
from webapp.photos.schemas import MAX_PHOTOS, PhotoFields, PhotoPatch
from webapp.summaries import revisions
from webapp.summaries.events import SummaryRevised, shows_photo
from webapp.summaries.models import Revision, Summary

# Revision columns a photo change does not touch: copied from the current revision as they are.
_NOT_COPIED = {"id", "summary_id", "number", "photos", "created_by_id", "created_at"}


@dataclass(frozen=True)
class PhotoItem:
    """A photo of the current revision: its file row, its place and its words."""

    photo: Photo
    position: int
    caption: str
    alt: str
    credit: str
    image_id: str

    @property
    def waiting(self) -> bool:
        return self.photo.waiting


def photo_items(session: DbSession, summary: Summary) -> list[PhotoItem]:
    """The current revision's photos in order, each with its file row (one query)."""
    entries = summary.revision.photos or []
    rows = _rows(session, [e["id"] for e in entries])
    return [
        PhotoItem(
            rows[e["id"]],
            i,
            e.get("caption", ""),
            e.get("alt", ""),
            e.get("credit", ""),
            e.get("image_id", ""),
        )
        for i, e in enumerate(entries)
        if e["id"] in rows
    ]


def get_item(session: DbSession, summary: Summary, photo_id: int) -> PhotoItem:
    """One photo of this summary's current revision; 404 for any other id."""
    for item in photo_items(session, summary):
        if item.photo.id == photo_id:
            return item
    raise NotFound(str(_l("This summary has no photo with that id.")))


def _rows(session: DbSession, ids: list[int]) -> dict[int, Photo]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Photo).where(Photo.id.in_(ids)))}


def add_photo(
    session: DbSession,
    summary: Summary,
    data: bytes,
    fields: Mapping[str, Any],
    author: User,
    *,
    directory: str,
    limits: storage.Limits,
    expected_version: int | None = None,
) -> tuple[Photo, list[Path]]:
    """Check, re-encode and store an upload, and append it to the summary's photos.

    Returns the row and the files written. The files are written last, after every check and the
    database work, so a refusal leaves neither; the caller removes them if its commit fails.
    """
    require(author, Permission.WRITE_SUMMARY)
    _check_version(summary, expected_version)
    errors: dict[str, str] = {}
    clean = None
    try:
        clean = parse(PhotoFields, dict(fields))
    except ValidationError as exc:
        errors.update(exc.fields)
    entries = copy.deepcopy(summary.revision.photos or [])
    prepared = None
    if len(entries) >= MAX_PHOTOS:
        errors["file"] = str(_l("A summary holds at most %(n)d photos.", n=MAX_PHOTOS))
    else:
        try:
            prepared = storage.prepare(data, limits)
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors or clean is None or prepared is None:
        raise ValidationError(errors)
    photo = Photo(
        summary_id=summary.id,
        storage=prepared.token,
        format=prepared.format,
        width=prepared.width,
        height=prepared.height,
        sizes=prepared.sizes,
        sha256=prepared.sha256,
        bytes=prepared.size,
        created_by_id=author.id,
    )
    session.add(photo)
    session.flush()
    entries.append({"id": photo.id, **clean.model_dump()})
    _append_revision(session, summary, entries, author)
    audit.record(session, author, "photo.add", "summary", summary.id, photo_id=photo.id)
    written = storage.write(directory, prepared)
    return photo, written


def add_waiting(
    session: DbSession, summary: Summary, words: Sequence[PhotoFields], author: User
) -> list[dict[str, Any]]:
    """A row without a file for each photo; returns the revision entries that name them.

    Used while a summary is created from an imported release, so its first revision already
    holds the photos and their captions and alt texts become segments with the rest.
    """
    require(author, Permission.WRITE_SUMMARY)
    entries = []
    for clean in words:
        photo = Photo(summary_id=summary.id, sizes=[], created_by_id=author.id)
        session.add(photo)
        session.flush()
        entries.append({"id": photo.id, **clean.model_dump()})
        audit.record(
            session, author, "photo.add", "summary", summary.id, photo_id=photo.id, waiting=True
        )
    return entries


def attach_file(
    session: DbSession,
    summary: Summary,
    photo_id: int,
    data: bytes,
    author: User,
    *,
    directory: str,
    limits: storage.Limits,
) -> tuple[Photo, list[Path]]:
    """Check, re-encode and store the file of a photo that is waiting for it.

    The words do not change, so no revision is made and no translation goes stale. A refused
    file leaves the photo waiting with its words; the files are written last, as in `add_photo`.
    """
    require(author, Permission.WRITE_SUMMARY)
    photo = get_item(session, summary, photo_id).photo
    if not photo.waiting:
        raise _has_file()
    prepared = storage.prepare(data, limits)
    # Compare-and-set: of two uploads into the same photo at once, one wins, the other is told.
    filled = session.execute(
        update(Photo)
        .where(Photo.id == photo.id, Photo.storage.is_(None))
        .values(
            storage=prepared.token,
            format=prepared.format,
            width=prepared.width,
            height=prepared.height,
            sizes=prepared.sizes,
            sha256=prepared.sha256,
            bytes=prepared.size,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(filled) != 1:
        raise _has_file()
    session.refresh(photo)
    summary.updated_at = utcnow()
    session.flush()
    audit.record(session, author, "photo.file", "summary", summary.id, photo_id=photo.id)
    return photo, storage.write(directory, prepared)


def _has_file() -> Refused:
    return Refused(
        str(
            _l(
                "This photo already has its file. To use another image, remove the photo and "
                "add the new one."
            )
        )
    )


def update_photo(
    session: DbSession,
    summary: Summary,
    photo_id: int,
    patch: PhotoPatch,
    author: User,
    expected_version: int | None = None,
) -> PhotoItem:
    """Change a photo's words or place; a change makes a revision, no change makes none."""
    require(author, Permission.WRITE_SUMMARY)
    _check_version(summary, expected_version)
    get_item(session, summary, photo_id)
    entries = copy.deepcopy(summary.revision.photos or [])
    index = next(i for i, e in enumerate(entries) if e["id"] == photo_id)
    changes = patch.model_dump(exclude_unset=True, exclude_none=True)
    position = changes.pop("position", None)
    entry = {**entries.pop(index), **changes}
    entries.insert(index if position is None else min(position, len(entries)), entry)
    if entries != summary.revision.photos:
        _append_revision(session, summary, entries, author)
        audit.record(
            session,
            author,
            "photo.update",
            "summary",
            summary.id,
            photo_id=photo_id,
            changed=sorted(changes) + (["position"] if position is not None else []),
        )
    return get_item(session, summary, photo_id)


def delete_photo(
    session: DbSession,
    summary: Summary,
    photo_id: int,
    author: User,
    expected_version: int | None = None,
) -> list[str]:
    """Take a photo out of the summary; returns the file names to remove once committed.

    A photo that a current publication shows keeps its row and files: readers go on seeing the
    whole snapshot they were given until the next publish.
    """
    require(author, Permission.WRITE_SUMMARY)
    _check_version(summary, expected_version)
    item = get_item(session, summary, photo_id)
    entries = [e for e in copy.deepcopy(summary.revision.photos or []) if e["id"] != photo_id]
    _append_revision(session, summary, entries, author)
    audit.record(session, author, "photo.delete", "summary", summary.id, photo_id=photo_id)
    if shows_photo.ask(session, summary.id, photo_id):
        return []
    photo = item.photo
    files = (
        storage.file_names(photo.storage, photo.sizes, photo.format)
        if photo.storage is not None and photo.format is not None
        else []
    )
    session.delete(photo)
    session.flush()
    return files


def _check_version(summary: Summary, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != summary.version:
        raise _conflict(summary)


def _conflict(summary: Summary) -> PreconditionFailed:
    return PreconditionFailed(
        str(
            _l(
                "Someone else saved this summary (now version %(version)d) after you opened it.",
                version=summary.version,
            )
        ),
        current_version=summary.version,
        current={"changed_fields": ["photos"], "photos": summary.revision.photos},
    )


def _append_revision(
    session: DbSession, summary: Summary, photos: list[dict[str, Any]], author: User
) -> Revision:
    """A new revision equal to the current one but for its photos; translations follow it."""
    if not revisions.claim_next_version(session, summary, summary.version):
        raise _conflict(summary)
    current = summary.revision
    kept = {
        attr.key: copy.deepcopy(getattr(current, attr.key))
        for attr in Revision.__mapper__.column_attrs
        if attr.key not in _NOT_COPIED
    }
    revision = Revision(
        **kept,
        summary_id=summary.id,
        number=summary.version,
        photos=photos,
        created_by_id=author.id,
    )
    revisions.make_current(session, summary, revision)
    emit(session, SummaryRevised(summary.id, revision.id, author.id))
    return revision


def published_photos(revision: Revision, words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The photos a snapshot shows: each photo's words in one language (`summaries.document`:
    caption, alt text, credit, image id) with its file's names and sizes.

    A photo still waiting for its file comes as `{"waiting": True}` and its words, for the
    preview's placeholder; publishing is refused while there is one (see `waiting_for_file`), so
    a snapshot never holds it.
    """
    session = object_session(revision)
    rows = _rows(session, [w["id"] for w in words]) if session is not None else {}
    shown = []
    for w in words:
        row = rows.get(w["id"])
        if row is None:
            continue
        if row.waiting:
            shown.append({**w, "waiting": True})
            continue
        file = {"storage": row.storage, "format": row.format, "width": row.width}
        shown.append({**w, **file, "height": row.height, "sizes": list(row.sizes)})
    return shown


def waiting_for_file(session: DbSession, revision: Revision) -> dict[str, str]:
    """Photos still waiting for their files, keyed like API fields, each message naming its
    photo; publishing refuses while any remain."""
    entries = revision.photos or []
    rows = _rows(session, [e["id"] for e in entries])
    found = {}
    for i, e in enumerate(entries):
        row = rows.get(e["id"])
        if row is None or not row.waiting:
            continue
        name = e.get("image_id") or _short(e.get("caption", ""))
        if name:
            message = _l(
                "Photo %(n)d (%(name)s) is still waiting for its file. Upload the file or "
                "remove the photo, then publish.",
                n=i + 1,
                name=name,
            )
        else:
            message = _l(
                "Photo %(n)d is still waiting for its file. Upload the file or remove the "
                "photo, then publish.",
                n=i + 1,
            )
        found[f"photos.{i}.file"] = str(message)
    return found


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def missing_alt_text(revision: Revision) -> dict[str, str]:
    """Photos without alt text, keyed like API fields; publishing refuses while any remain."""
    return {
        f"photos.{i}.alt": str(
            _l(
                "Photo %(n)d has no alt text. Describe what it shows for readers who cannot "
                "see it, then publish.",
                n=i + 1,
            )
        )
        for i, e in enumerate(revision.photos or [])
        if not (e.get("alt") or "").strip()
    }
