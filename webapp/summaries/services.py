"""Creating and changing summaries: revisions, slugs, optimistic concurrency.

Input arrives as plain data (API JSON, form values, demo dicts) and is checked against the schemas
in `summaries.schemas`, so every entry point applies the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession
from webapp.core.errors import NotFound, PreconditionFailed, Refused, ValidationError
from webapp.core.events import emit
from webapp.core.permissions import Permission, require
from webapp.core.schemas import parse
from webapp.summaries import photos, revisions
from webapp.summaries.events import SummaryRenamed, SummaryRevised, ever_published
from webapp.summaries.models import Revision, SlugRedirect, Summary
from webapp.summaries.schemas import (
    MAX_RELATED,
    MAX_SLUG,
    SlugIn,
    SummaryCreate,
    SummaryFields,
    SummaryPatch,
)
from webapp.topics import services as topics

# An automatic slug stops at a word boundary within this length (the column holds MAX_SLUG).
AUTO_SLUG = 80


def revision_fields(revision: Revision) -> dict[str, Any]:
    """The editable fields of a revision as plain data (for forms, diffs and the API)."""
    return {
        "title": revision.title,
        "meeting_date": revision.meeting_date.isoformat(),
        "location": revision.location,
        "lede": revision.lede,
        "body": revision.body,
        "participants": revision.participants,
        "quotes": revision.quotes,
        "countries": revision.countries,
        "topics": revision.topics or [],
        "related": revision.related or [],
    }


def slugify(text: str, limit: int = AUTO_SLUG) -> str:
    """ASCII slug from a title, cut at a word boundary; empty when it has no Latin letters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text.lower()):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def _unique_slug(session: DbSession, wanted: str) -> str:
    slug, n = wanted, 2
    while session.scalar(select(Summary.id).where(Summary.slug == slug)) is not None:
        suffix = f"-{n}"
        slug, n = f"{wanted[: MAX_SLUG - len(suffix)]}{suffix}", n + 1
    return slug


def get_summary(session: DbSession, summary_id: int) -> Summary:
    """The summary with its current revision, read in one statement (see `deleted_meanwhile`)."""
    summary = session.get(Summary, summary_id, options=[joinedload(Summary.current_revision)])
    if summary is None:
        raise NotFound(str(_l("No summary with that id.")))
    return summary


def create_summary(session: DbSession, clean: SummaryCreate, author: User) -> Summary:
    """Validate, store revision 1 and queue the translation into the other locale.

    `clean.photos` are the words of photos whose files come later (an imported release's):
    revision 1 holds them as photos waiting for their files, so their captions are translated
    with the rest.
    """
    require(author, Permission.WRITE_SUMMARY)
    _check_links(session, clean, None)
    wanted = clean.slug or slugify(f"{clean.meeting_date.isoformat()} {clean.title}")
    if clean.slug is None and len(wanted) <= 11:  # a Japanese title leaves only the date
        wanted = slugify(f"{clean.meeting_date.isoformat()} {' '.join(clean.countries)} meeting")
    if clean.slug and session.scalar(select(Summary.id).where(Summary.slug == clean.slug)):
        raise ValidationError({"slug": str(_l("This slug is already taken."))})
    summary = Summary(
        slug=_unique_slug(session, wanted),
        source_locale=clean.source_locale,
        version=1,
        created_by_id=author.id,
    )
    session.add(summary)
    session.flush()
    entries = photos.add_waiting(session, summary, clean.photos, author)
    revision = _add_revision(session, summary, clean, author, number=1, photos=entries)
    audit.record(session, author, "summary.create", "summary", summary.id, slug=summary.slug)
    emit(session, SummaryRevised(summary.id, revision.id, author.id))
    return summary


def update_summary(
    session: DbSession,
    summary: Summary,
    patch: SummaryPatch,
    expected_version: int,
    author: User,
) -> Summary:
    """Append a revision if `expected_version` is current; else refuse with what changed.

    Only the fields given change (PATCH semantics). Saving without a change is a no-op: no new
    version, no approval revoked.
    """
    require(author, Permission.WRITE_SUMMARY)
    current = summary.revision
    merged = parse(SummaryFields, {**revision_fields(current), **patch.changes()})
    if expected_version != summary.version:
        raise _conflict(session, summary, expected_version)
    _check_links(session, merged, summary.id, patch.changes())
    new = merged.model_dump(mode="json")
    changed = [k for k, v in revision_fields(current).items() if new.get(k) != v]
    if not changed:
        return summary
    if not revisions.claim_next_version(session, summary, expected_version):
        raise _conflict(session, summary, expected_version)
    revision = _add_revision(session, summary, merged, author, number=summary.version)
    audit.record(
        session,
        author,
        "summary.update",
        "summary",
        summary.id,
        changed=changed,
        before={"version": expected_version},  # the texts themselves are kept as revisions
        after={"version": summary.version},
    )
    emit(session, SummaryRevised(summary.id, revision.id, author.id))
    return summary


def change_slug(session: DbSession, summary: Summary, wanted: SlugIn, user: User) -> Summary:
    """Give a summary a new address.

    Until its first publication a liaison may change it freely; afterwards only an
    administrator may, and the old address keeps answering with a permanent redirect.
    """
    require(user, Permission.WRITE_SUMMARY)
    slug = wanted.slug
    if slug == summary.slug:
        return summary
    taken = session.scalar(select(Summary.id).where(Summary.slug == slug))
    redirected = session.scalar(
        select(SlugRedirect.summary_id).where(SlugRedirect.old_slug == slug)
    )
    if taken is not None or (redirected is not None and redirected != summary.id):
        raise ValidationError({"slug": str(_l("This slug is already taken."))})
    old = summary.slug
    published = ever_published.ask(session, summary.id)
    if published:
        require(user, Permission.RENAME_PUBLISHED)
    emit(session, SummaryRenamed(summary.id, old, slug, user.id))
    if published:
        session.execute(delete(SlugRedirect).where(SlugRedirect.old_slug == slug))
        session.add(SlugRedirect(old_slug=old, summary_id=summary.id))
    summary.slug = slug
    session.flush()
    audit.record(session, user, "summary.slug", "summary", summary.id, before=old, after=slug)
    return summary


def redirect_for(session: DbSession, slug: str) -> str | None:
    """The current slug of a summary once published as `slug`, if it was renamed."""
    return session.scalar(
        select(Summary.slug)
        .join(SlugRedirect, SlugRedirect.summary_id == Summary.id)
        .where(SlugRedirect.old_slug == slug)
    )


def delete_summary(session: DbSession, summary: Summary, user: User) -> None:
    """Delete a summary that readers never saw; a published one is withdrawn, never deleted."""
    require(user, Permission.WRITE_SUMMARY)
    if ever_published.ask(session, summary.id):
        raise Refused(
            str(
                _l(
                    "A summary that was ever published cannot be deleted, so the record of what "
                    "readers saw stays. Withdraw it instead."
                )
            )
        )
    audit.record(
        session,
        user,
        "summary.delete",
        "summary",
        summary.id,
        slug=summary.slug,
        title=summary.revision.title,
    )
    session.flush()
    # The database's ON DELETE CASCADE removes revisions, segments and translations in one step.
    session.execute(delete(Summary).where(Summary.id == summary.id))
    session.expunge(summary)


def _conflict(session: DbSession, summary: Summary, expected_version: int) -> PreconditionFailed:
    """Describe which fields changed since the version the writer started from."""
    theirs = session.scalar(
        select(Revision).where(
            Revision.summary_id == summary.id, Revision.number == expected_version
        )
    )
    now = revision_fields(summary.revision)
    before = revision_fields(theirs) if theirs else {}
    changed = sorted(k for k, v in now.items() if before.get(k) != v)
    return PreconditionFailed(
        str(
            _l(
                "Someone else saved this summary (now version %(version)d) after you opened it.",
                version=summary.version,
            )
        ),
        current_version=summary.version,
        current={"changed_fields": changed, "fields": now},
    )


def resolve_references(session: DbSession, text: str) -> list[int]:
    """Summary ids from lines a liaison pasted: a reader address, a slug, or an id.

    Old slugs that redirect count too. A line that names no summary is an error naming the line.
    Three queries whatever the number of lines (at most MAX_RELATED).
    """
    lines = [(n, _last_part(line)) for n, line in enumerate((text or "").splitlines(), 1)]
    lines = [(n, ref) for n, ref in lines if ref]
    if len(lines) > MAX_RELATED:
        raise ValidationError({"related": str(_l("At most %(limit)d entries.", limit=MAX_RELATED))})
    refs = {ref for _, ref in lines}
    numbers = {int(ref) for ref in refs if ref.isdigit() and len(ref) < 10}
    by_id = {i: i for i in session.scalars(select(Summary.id).where(Summary.id.in_(numbers)))}
    by_slug = {
        slug: i
        for slug, i in session.execute(
            select(Summary.slug, Summary.id).where(Summary.slug.in_(refs))
        )
    }
    by_old = {
        slug: i
        for slug, i in session.execute(
            select(SlugRedirect.old_slug, SlugRedirect.summary_id).where(
                SlugRedirect.old_slug.in_(refs)
            )
        )
    }
    ids: list[int] = []
    for number, ref in lines:
        found = by_id.get(int(ref)) if ref.isdigit() and len(ref) < 10 else None
        found = found or by_slug.get(ref) or by_old.get(ref)
        if found is None:
            raise ValidationError(
                {"related": str(_l("Line %(n)d: no summary at “%(ref)s”.", n=number, ref=ref))}
            )
        if found not in ids:
            ids.append(found)
    return ids


def _last_part(line: str) -> str:
    """The slug or id at the end of a pasted address (query, fragment and slashes dropped)."""
    ref = line.strip().split("?")[0].split("#")[0].rstrip("/")
    return ref.rsplit("/", 1)[-1][: MAX_SLUG + 1]


def slugs_by_title(session: DbSession, titles: list[str]) -> dict[str, str]:
    """Title as given -> slug of the summary whose current title it is (any case, spacing as
    written once collapsed); titles that name no summary are left out. One query.

    An imported release lists its related stories by title: those already here become links.
    """
    wanted = {" ".join(t.split()).casefold(): t for t in titles[:MAX_RELATED] if t.strip()}
    if not wanted:
        return {}
    rows = session.execute(
        select(Summary.slug, Revision.title)
        .join(Revision, Revision.id == Summary.current_revision_id)
        .where(func.lower(Revision.title).in_([key.lower() for key in wanted]))
        .order_by(Summary.id)
    )
    found: dict[str, str] = {}
    for slug, title in rows:
        given = wanted.get(" ".join(title.split()).casefold())
        if given is not None:
            found.setdefault(given, slug)
    return found


def references(session: DbSession, ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, slug, current title) of each related summary, in the given order."""
    if not ids:
        return []
    rows = session.execute(
        select(Summary.id, Summary.slug, Revision.title)
        .join(Revision, Revision.id == Summary.current_revision_id)
        .where(Summary.id.in_(ids))
    ).all()
    found = {row.id: (row.id, row.slug, row.title) for row in rows}
    return [found[i] for i in ids if i in found]


def _check_links(
    session: DbSession, clean: SummaryFields, summary_id: int | None, changed: Any = None
) -> None:
    """Topics must be in the vocabulary; related summaries must exist and be other summaries.

    On an update only what the patch changes is checked: a topic deleted meanwhile does not block
    an edit of the body.
    """
    if changed is None or "topics" in changed:
        topics.check_known(session, clean.topics)
    if changed is not None and "related" not in changed:
        return
    if summary_id is not None and summary_id in clean.related:
        raise ValidationError({"related": str(_l("A summary cannot be related to itself."))})
    if not clean.related:
        return
    found = set(session.scalars(select(Summary.id).where(Summary.id.in_(clean.related))))
    missing = [str(i) for i in clean.related if i not in found]
    if missing:
        raise ValidationError(
            {"related": str(_l("No summary with the id %(ids)s.", ids=", ".join(missing)))}
        )


def _add_revision(
    session: DbSession,
    summary: Summary,
    clean: SummaryFields,
    author: User,
    number: int,
    photos: list[dict[str, Any]] | None = None,
) -> Revision:
    data = clean.model_dump(mode="json")
    if photos is None:  # photos change through `summaries.photos`; a text edit keeps them
        photos = list(summary.current_revision.photos) if summary.current_revision else []
    revision = Revision(
        summary_id=summary.id,
        number=number,
        title=clean.title,
        lede=clean.lede,
        body=clean.body,
        meeting_date=clean.meeting_date,
        location=clean.location,
        countries=data["countries"],
        topics=data["topics"],
        related=data["related"],
        participants=data["participants"],
        quotes=data["quotes"],
        photos=photos,
        created_by_id=author.id,
    )
    return revisions.make_current(session, summary, revision)


def topic_usage(session: DbSession, slug: str) -> int:
    """How many summaries' current versions carry the topic (JSON lists: counted here)."""
    rows = session.scalars(
        select(Revision.topics).join(Summary, Summary.current_revision_id == Revision.id)
    )
    return sum(1 for topics in rows if slug in (topics or ()))
