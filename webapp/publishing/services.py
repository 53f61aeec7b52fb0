"""Publishing approved text as immutable per-locale snapshots, and reading them back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, func, select, update

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import NotReady, ValidationError
from webapp.core.permissions import Permission, require
from webapp.publishing import signoff, states
from webapp.publishing.models import Publication, PublicChange, Withdrawal
from webapp.publishing.schemas import PublishIn, WithdrawIn
from webapp.publishing.states import Shown
from webapp.summaries import document, photos
from webapp.summaries.models import Revision, SlugRedirect, Summary
from webapp.translation.models import (
    Origin,
    SegmentStatus,
    Translation,
    TranslationStatus,
    segments_of,
    translation_into,
)

# Names the PostgreSQL advisory lock that orders the changes readers see (any fixed number).
PUBLIC_CHANGE_LOCK = 0x4B4B4850


def assemble(revision: Revision, texts: dict[str, str], locale: str) -> dict[str, Any]:
    """The reader's document from segment texts keyed like the source's (`summaries.document`),
    with each photo's file (sizes and formats) beside its words in this language."""
    content = document.assemble(revision, texts, locale)
    content["photos"] = photos.published_photos(revision, content["photos"])
    return content


def source_content(revision: Revision, locale: str) -> dict[str, Any]:
    """The document in its own language, as the liaison wrote it."""
    return assemble(revision, {s.key: s.source_text for s in segments_of(revision)}, locale)


def translated_content(summary: Summary, locale: str) -> dict[str, Any] | None:
    """The document in `locale` from its approved segment translations (what readers get)."""
    tr = translation_into(summary, locale)
    if tr is None:
        return None
    texts = {
        st.key: st.text
        for st in tr.segments
        if st.text is not None and st.status == SegmentStatus.APPROVED
    }
    return assemble(summary.revision, texts, locale)


@dataclass(frozen=True)
class PreviewText:
    """What the preview shows, and what a reader would not see yet."""

    content: dict[str, Any]
    untranslated: list[str] = field(default_factory=list)  # keys shown in the source language
    unreviewed: list[str] = field(default_factory=list)  # keys whose text is an unapproved draft


def preview_content(summary: Summary, locale: str) -> PreviewText | None:
    """The page as it stands, drafts included; untranslated parts show their source text and
    are listed, so nothing silently vanishes from the preview."""
    if locale == summary.source_locale:
        return PreviewText(source_content(summary.revision, locale))
    tr = translation_into(summary, locale)
    if tr is None:
        return None
    texts: dict[str, str] = {}
    untranslated, unreviewed = [], []
    for st in sorted(tr.segments, key=lambda s: s.position):
        if st.text is None:
            texts[st.key] = st.source_text
            untranslated.append(st.key)
        else:
            texts[st.key] = st.text
            if st.status != SegmentStatus.APPROVED:
                unreviewed.append(st.key)
    return PreviewText(assemble(summary.revision, texts, locale), untranslated, unreviewed)


@dataclass(frozen=True)
class Published:
    """A locale's current snapshot after publishing, and whether this call made it."""

    publication: Publication
    changed: bool


def publish(session: DbSession, summary: Summary, wanted: PublishIn, user: User) -> list[Published]:
    """Publish the current revision in each locale; all or nothing, approved text only.

    A locale whose readers already see exactly this content keeps its snapshot: a new one
    would tell readers "updated" when nothing was. Under `REQUIRE_PUBLISH_SIGNOFF` the revision
    needs a second publisher's sign-off (`signoff.check_publish`); the sign-off a non-author's
    press records rolls back with the rest if publishing is refused.
    """
    require(user, Permission.PUBLISH)
    signoff.check_publish(session, summary, user)
    return publish_as(session, summary, list(wanted.locales), user)


def publish_as(
    session: DbSession, summary: Summary, locales: list[str], user: User
) -> list[Published]:
    """`publish` once the caller has decided that `user` may (a scheduled release checks its
    liaison's role at its time: no request, and no token, is there to ask)."""
    revision = summary.revision
    # Every photo needs its file and its alt text; a snapshot never holds a placeholder.
    if incomplete := {
        **photos.waiting_for_file(session, revision),
        **photos.missing_alt_text(revision),
    }:
        raise ValidationError(incomplete, " ".join(incomplete.values()))
    if missing := not_ready(summary, locales):
        raise NotReady(
            str(
                _l(
                    "Not approved for the current version yet: %(locales)s.",
                    locales=", ".join(missing),
                )
            ),
            missing,
        )
    order_public_change(session)
    published: list[Published] = []
    current = {
        pub.locale: pub
        for pub in session.scalars(
            select(Publication).where(
                Publication.summary_id == summary.id, Publication.is_current.is_(True)
            )
        )
    }
    before = states.shown(session, summary.id, current)
    for loc in dict.fromkeys(locales):
        if loc == summary.source_locale:
            content, machine = source_content(revision, loc), False
            content["provenance"] = {"source_locale": loc, "origin": "source"}
        else:
            tr = translation_into(summary, loc)
            assert tr is not None  # approved, checked above
            translated = translated_content(summary, loc)
            assert translated is not None
            content = translated
            machine = any(st.origin == Origin.MT for st in tr.segments)
            content["provenance"] = _provenance(summary, tr, machine)
        shown = current.get(loc)
        if shown is not None and shown.slug == summary.slug and _same(shown.content, content):
            published.append(Published(shown, changed=False))
            continue
        session.execute(
            update(Publication)
            .where(
                Publication.summary_id == summary.id,
                Publication.locale == loc,
                Publication.is_current.is_(True),
            )
            .values(is_current=False)
            .execution_options(synchronize_session=False)
        )
        pub = Publication(
            summary_id=summary.id,
            locale=loc,
            revision_id=revision.id,
            is_current=True,
            slug=summary.slug,
            title=content["title"],
            lede=content["lede"],
            meeting_date=revision.meeting_date,
            content=content,
            machine_assisted=machine,
            published_by_id=user.id,
        )
        session.add(pub)
        session.flush()
        published.append(Published(pub, changed=True))
        _end_withdrawals(session, summary.id, loc)
        states.moved(session, before.get(loc, Shown.NEVER), publication=pub, actor_id=user.id)
    made = [p.publication.locale for p in published if p.changed]
    if made:
        audit.record(session, user, "summary.publish", "summary", summary.id, locales=made)
    return published


def _same(stored: Any, content: dict[str, Any]) -> bool:
    """Whether a stored snapshot's content equals `content` once both are JSON."""
    as_json = json.dumps(content, sort_keys=True, default=str)
    return json.dumps(stored, sort_keys=True, default=str) == as_json


def withdraw(
    session: DbSession, summary: Summary, wanted: WithdrawIn, user: User
) -> list[Withdrawal]:
    """Pull the summary from readers in each locale (all or nothing); publishing brings it back.

    Readers of a withdrawn page get 410 with the date; lists, feeds and the sitemap drop it
    because it no longer has a current publication.
    """
    require(user, Permission.PUBLISH)
    order_public_change(session)
    current = {
        pub.locale: pub
        for pub in session.scalars(
            select(Publication).where(
                Publication.summary_id == summary.id, Publication.is_current.is_(True)
            )
        )
    }
    before = states.shown(session, summary.id, current)
    missing = [
        loc
        for loc in wanted.locales
        if not states.allowed(before.get(loc, Shown.NEVER), Shown.WITHDRAWN)
    ]
    if missing:
        raise ValidationError(
            {
                "locales": str(
                    _l("Not published in: %(locales)s.", locales=", ".join(sorted(missing)))
                )
            }
        )
    withdrawn = []
    for loc in dict.fromkeys(wanted.locales):
        pub = current[loc]
        pub.is_current = False
        row = Withdrawal(
            summary_id=summary.id,
            locale=loc,
            slug=pub.slug,
            publication_id=pub.id,
            reason=wanted.reason,
            withdrawn_by_id=user.id,
        )
        session.add(row)
        withdrawn.append(row)
    session.flush()
    for row in withdrawn:
        states.moved(session, before[row.locale], withdrawal=row, actor_id=user.id)
    audit.record(
        session,
        user,
        "summary.withdraw",
        "summary",
        summary.id,
        locales=list(dict.fromkeys(wanted.locales)),
        reason=wanted.reason,
    )
    return withdrawn


def order_public_change(session: DbSession) -> None:
    """Let changes readers see commit one at a time, so their new row ids follow commit order.

    `generation` takes the newest ids as the public site's version. PostgreSQL hands out ids when
    a row is inserted, not when it commits: without this lock a change holding a smaller id could
    commit after one holding a larger id, and a page cached in between would outlive it. SQLite
    has one writer at a time already. The lock is held until the transaction ends; it is taken
    before the change's rows are flushed (a pending rename's redirect row included).
    """
    if session.get_bind().dialect.name == "postgresql":
        with session.no_autoflush:
            session.execute(select(func.pg_advisory_xact_lock(PUBLIC_CHANGE_LOCK)))


def note_public_change(session: DbSession, reason: str) -> None:
    """A change readers see that adds no snapshot, withdrawal or redirect: its place in the
    public order is taken first, and its row moves the generation."""
    order_public_change(session)
    session.add(PublicChange(reason=reason))
    session.flush()


def generation(connection: DbSession | Connection) -> tuple[int, ...]:
    """The public site's version: the newest ids of the rows whose arrival changes reader pages.

    Snapshots, withdrawals and renamed addresses: everything readers see of a summary changes
    only by adding one of those (photos and their words reach readers only in a snapshot).
    Topic names are looked up live (`reader.links`): renaming or deleting a topic adds a
    `PublicChange` row instead (`note_public_change`). One statement of primary-key maxima, each
    an index lookup. A plain connection will do (the page cache reads this before it opens the
    request's session).
    """
    return tuple(n or 0 for n in connection.execute(GENERATION_QUERY).one())


GENERATION_QUERY = select(
    select(func.max(Publication.id)).scalar_subquery(),
    select(func.max(Withdrawal.id)).scalar_subquery(),
    select(func.max(SlugRedirect.id)).scalar_subquery(),
    select(func.max(PublicChange.id)).scalar_subquery(),
)


def _end_withdrawals(session: DbSession, summary_id: int, locale: str) -> None:
    session.execute(
        update(Withdrawal)
        .where(
            Withdrawal.summary_id == summary_id,
            Withdrawal.locale == locale,
            Withdrawal.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def move_address(session: DbSession, summary_id: int, slug: str) -> None:
    """Point the current snapshots and standing withdrawals at a renamed summary's new slug."""
    order_public_change(session)
    session.execute(
        update(Publication)
        .where(Publication.summary_id == summary_id, Publication.is_current.is_(True))
        .values(slug=slug)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Withdrawal)
        .where(Withdrawal.summary_id == summary_id, Withdrawal.ended_at.is_(None))
        .values(slug=slug)
        .execution_options(synchronize_session=False)
    )


def withdrawal_for(session: DbSession, slug: str, locale: str) -> Withdrawal | None:
    """The standing withdrawal of this page, if readers should get 410 for it."""
    return session.scalar(
        select(Withdrawal)
        .where(Withdrawal.slug == slug, Withdrawal.locale == locale, Withdrawal.ended_at.is_(None))
        .order_by(Withdrawal.id.desc())
        .limit(1)
    )


def active_withdrawals(session: DbSession, summary_ids: list[int]) -> dict[int, dict[str, Any]]:
    """summary id -> {locale: withdrawal} for the staff pages (one query)."""
    result: dict[int, dict[str, Any]] = {i: {} for i in summary_ids}
    if summary_ids:
        rows = session.scalars(
            select(Withdrawal).where(
                Withdrawal.summary_id.in_(summary_ids), Withdrawal.ended_at.is_(None)
            )
        )
        for row in rows:
            result[row.summary_id][row.locale] = row
    return result


def shows_photo(session: DbSession, summary_id: int, photo_id: int) -> bool:
    """Whether a current snapshot of the summary, in any language, shows the photo."""
    contents = session.scalars(
        select(Publication.content).where(
            Publication.summary_id == summary_id, Publication.is_current.is_(True)
        )
    )
    return any(p.get("id") == photo_id for c in contents for p in (c or {}).get("photos", []))


def ever_published(session: DbSession, summary_id: int) -> bool:
    return (
        session.scalar(select(Publication.id).where(Publication.summary_id == summary_id).limit(1))
        is not None
    )


def _provenance(summary: Summary, tr: Translation, machine: bool) -> dict[str, Any]:
    """Where a translated snapshot's text came from, frozen with it for the reader's page."""
    return {
        "source_locale": summary.source_locale,
        "origin": "machine_reviewed" if machine else "human",
        "reviewed_at": tr.approved_at.isoformat() if tr.approved_at else None,
    }


def not_ready(summary: Summary, locales: list[str]) -> list[str]:
    """The languages among `locales` whose translation is not approved for the current version
    (the source language is always ready)."""
    return [
        loc
        for loc in locales
        if loc != summary.source_locale and not _approved_for(summary, loc, summary.revision)
    ]


def _approved_for(summary: Summary, locale: str, revision: Revision) -> bool:
    tr = translation_into(summary, locale)
    return (
        tr is not None
        and tr.status == TranslationStatus.APPROVED
        and tr.approved_revision_id == revision.id
        and all(st.status == SegmentStatus.APPROVED for st in tr.segments)
    )


def published_locales(session: DbSession, summary_id: int) -> list[str]:
    return sorted(
        session.scalars(
            select(Publication.locale).where(
                Publication.summary_id == summary_id, Publication.is_current.is_(True)
            )
        )
    )


def current_by_slug(session: DbSession, slug: str) -> dict[str, Publication]:
    """Locale -> current snapshot of the summary published at `slug`, in one query.

    One summary owns a slug (renames move every current snapshot and keep the old slug as a
    redirect), so these rows are the page itself, its other languages (switcher, hreflang, ETag)
    and the original that a translation links to. The summary's unique slug and the partial
    index of current snapshots find them without scanning the table.
    """
    rows = session.scalars(
        select(Publication)
        .join(Summary, Summary.id == Publication.summary_id)
        .where(
            Summary.slug == slug,
            Publication.slug == slug,
            Publication.is_current.is_(True),
        )
    )
    return {pub.locale: pub for pub in rows}


def page_facts(
    session: DbSession, pub: Publication, current: dict[str, Publication]
) -> dict[str, Any]:
    """Dates, provenance and staleness a reader's page states about one snapshot.

    `current` is `current_by_slug` for the page (the original is among those rows, so it costs
    no query). `published_at` is the first publication in this locale, `updated_at` the current
    snapshot's time when it came later; for a translation, `original` is the source-language
    snapshot and `original_updated_at` is set when that was republished from a newer revision
    afterwards.
    """
    first = session.scalar(
        select(func.min(Publication.published_at)).where(
            Publication.summary_id == pub.summary_id, Publication.locale == pub.locale
        )
    )
    first = first or pub.published_at
    provenance = dict(pub.content.get("provenance") or {})
    if "source_locale" not in provenance:  # snapshots made before provenance was recorded
        provenance["source_locale"] = session.scalar(
            select(Summary.source_locale).where(Summary.id == pub.summary_id)
        )
        provenance["origin"] = (
            "source"
            if provenance["source_locale"] == pub.locale
            else "machine_reviewed"
            if pub.machine_assisted
            else "human"
        )
    reviewed = provenance.get("reviewed_at")
    original = None
    original_updated_at = None
    if provenance["source_locale"] != pub.locale:
        original = current.get(provenance["source_locale"])
        if (
            original is not None
            and original.revision_id != pub.revision_id
            and original.published_at > pub.published_at
        ):
            original_updated_at = original.published_at
    return {
        "published_at": first,
        "updated_at": pub.published_at if pub.published_at > first else None,
        "source_locale": provenance["source_locale"],
        "origin": provenance["origin"],
        "reviewed_at": datetime.fromisoformat(reviewed) if reviewed else None,
        "original": original,
        "original_updated_at": original_updated_at,
    }


def published_versions(session: DbSession, summary_id: int) -> dict[str, int]:
    """Locale -> revision number readers see, so staff can tell when a page lags behind."""
    rows = session.execute(
        select(Publication.locale, Revision.number)
        .join(Revision, Revision.id == Publication.revision_id)
        .where(Publication.summary_id == summary_id, Publication.is_current.is_(True))
    )
    return {locale: number for locale, number in rows}


def published_versions_by_summary(
    session: DbSession, summary_ids: list[int]
) -> dict[int, dict[str, int]]:
    """summary id -> {locale: version readers see}, in one query (the staff desk)."""
    result: dict[int, dict[str, int]] = {i: {} for i in summary_ids}
    if summary_ids:
        rows = session.execute(
            select(Publication.summary_id, Publication.locale, Revision.number)
            .join(Revision, Revision.id == Publication.revision_id)
            .where(Publication.summary_id.in_(summary_ids), Publication.is_current.is_(True))
        )
        for summary_id, locale, number in rows:
            result[summary_id][locale] = number
    return result


def published_locales_by_summary(
    session: DbSession, summary_ids: list[int]
) -> dict[int, list[str]]:
    """Published locales for many summaries in one query (list pages, sitemap)."""
    result: dict[int, list[str]] = {i: [] for i in summary_ids}
    if summary_ids:
        rows = session.execute(
            select(Publication.summary_id, Publication.locale)
            .where(Publication.summary_id.in_(summary_ids), Publication.is_current.is_(True))
            .order_by(Publication.locale)
        )
        for summary_id, locale in rows:
            result[summary_id].append(locale)
    return result
