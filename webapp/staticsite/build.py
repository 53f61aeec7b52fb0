"""Which reader pages a change touches, and writing them by asking the app for them.

Every page is rendered by the app's own reader views through its whole WSGI stack (a test
client request with no cookie, from BASE_URL's host), so a file holds exactly the bytes an
anonymous first visit gets, and only what the app would show: a 200 answer is written, any
other (404, 410, a 301 to a renamed address) takes the file away, leaving the app to answer.

Known limits: list pages past the first (`?before=`), search, participant pages and 404/410
pages are not written (nginx asks the app for them). A page that links to a summary shows its
title; such pages (`related`) are written again when that summary changes.
"""

from __future__ import annotations

import contextvars
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from webapp.core.db import DbSession
from webapp.core.locales import LOCALES
from webapp.photos import storage
from webapp.publishing.models import Publication, Withdrawal
from webapp.reader.cache import PAGE_MARKUP_VERSION
from webapp.search import services as finder
from webapp.staticsite import writer
from webapp.summaries.models import Revision, SlugRedirect, Summary
from webapp.topics.models import Topic

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class Report:
    """What one build did, for the job's log and the CLI."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    photos: int = 0
    full: bool = False
    paths: list[str] = field(default_factory=list)


def site_dir(app: Flask) -> Path | None:
    value = app.config.get("STATIC_SITE_DIR") or ""
    return Path(value) if value else None


def current_fingerprint(app: Flask) -> str:
    """Templates, compiled catalogs and static assets, and the settings pages are built from:
    a change to any of them means every page is written again."""
    templates = sorted(p for p in (ROOT / "webapp").rglob("templates") if p.is_dir())
    return writer.fingerprint(
        [*templates, ROOT / "translations", ROOT / "webapp" / "static"],
        PAGE_MARKUP_VERSION,
        str(app.config["BASE_URL"]),
        ",".join(LOCALES),
    )


def stored_fingerprint(site: Path) -> str | None:
    try:
        return str(json.loads((site / writer.BUILD_FILE).read_text())["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def render(app: Flask, path: str) -> tuple[int, bytes]:
    """The app's answer to an anonymous reader's first visit (no cookie, no encoding).

    In a context of its own: a request pushed inside the caller's app context (the worker's,
    the CLI's) would share its `g` and session, and with them the first page's language.
    """
    return contextvars.Context().run(_render, app, path)


def _render(app: Flask, path: str) -> tuple[int, bytes]:
    client = app.test_client(use_cookies=False)
    response = client.get(path, base_url=str(app.config["BASE_URL"]))
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()


def refresh(app: Flask, site: Path, paths: list[str], report: Report) -> set[Path]:
    """Write each page the app shows, take away each it does not; the files written."""
    kept: set[Path] = set()
    for path in dict.fromkeys(paths):
        target = writer.file_for(site, path)
        if target is None:
            continue
        status, body = render(app, path)
        if status == 200:
            kept.add(target)
            if writer.write(target, body):
                report.written += 1
                report.paths.append(path)
            else:
                report.unchanged += 1
        elif writer.remove(target):
            report.removed += 1
    return kept


def _list_paths(session: DbSession, locale: str, months: set[tuple[int, int]]) -> list[str]:
    paths = [f"/{locale}/", f"/{locale}/feed.atom", f"/{locale}/archive/"]
    for year, month in sorted(months):
        paths += [f"/{locale}/archive/{year}/", f"/{locale}/archive/{year}/{month}/"]
    paths += [f"/{locale}/topics/", f"/{locale}/countries/", f"/{locale}/participants/"]
    return paths


def _sitemaps(session: DbSession, app: Flask) -> list[str]:
    size = max(len(LOCALES) + 1, int(app.config.get("SITEMAP_URLS_PER_FILE", 50_000)))
    newest = session.scalar(select(Publication.id).order_by(Publication.id.desc()).limit(1)) or 0
    files = max(1, -(-(len(LOCALES) + newest) // size))
    return ["/sitemap.xml", *(f"/sitemap-{n}.xml" for n in range(1, files + 1))]


def _referring(session: DbSession, summary_id: int) -> set[str]:
    """Slugs of published summaries whose pages link to this one."""
    rows = session.execute(
        select(Publication.slug, Revision.related)
        .join(Revision, Revision.id == Publication.revision_id)
        .where(Publication.is_current.is_(True))
    )
    return {slug for slug, related in rows if summary_id in (related or [])}


def _photo_names(contents: list[dict]) -> set[str]:
    return {
        name
        for content in contents
        for p in (content or {}).get("photos", [])
        for name in storage.file_names(str(p["storage"]), p["sizes"], str(p["format"]))
    }


def summary_pages(app: Flask, session: DbSession, summary_id: int) -> tuple[list[str], set[str]]:
    """The pages a change to one summary touches, and the slugs it was ever read at."""
    rows = session.execute(
        select(Publication.slug, Publication.meeting_date, Revision.topics, Revision.countries)
        .join(Revision, Revision.id == Publication.revision_id)
        .where(Publication.summary_id == summary_id)
    ).all()
    slugs = {row.slug for row in rows}
    slugs |= set(
        session.scalars(select(Withdrawal.slug).where(Withdrawal.summary_id == summary_id))
    )
    slugs |= set(
        session.scalars(select(SlugRedirect.old_slug).where(SlugRedirect.summary_id == summary_id))
    )
    current = session.scalar(select(Summary.slug).where(Summary.id == summary_id))
    if current is not None:
        slugs.add(current)
    months = {(row.meeting_date.year, row.meeting_date.month) for row in rows}
    topics = {t for row in rows for t in (row.topics or [])}
    countries = {c.lower() for row in rows for c in (row.countries or [])}
    related = _referring(session, summary_id)
    paths: list[str] = []
    for locale in LOCALES:
        paths += [f"/{locale}/summaries/{slug}" for slug in sorted(slugs | related)]
        paths += _list_paths(session, locale, months)
        paths += [f"/{locale}/topics/{slug}" for slug in sorted(topics)]
        paths += [f"/{locale}/countries/{code}" for code in sorted(countries)]
    return paths + _sitemaps(session, app), slugs


def topic_pages(app: Flask, session: DbSession, slug: str) -> list[str]:
    """A topic's pages and the pages of every published summary that names it."""
    rows = session.execute(
        select(Publication.slug, Revision.topics)
        .join(Revision, Revision.id == Publication.revision_id)
        .where(Publication.is_current.is_(True))
    )
    slugs = sorted({pub_slug for pub_slug, topics in rows if slug in (topics or [])})
    paths: list[str] = []
    for locale in LOCALES:
        paths += [f"/{locale}/topics/", f"/{locale}/topics/{slug}"]
        paths += [f"/{locale}/summaries/{s}" for s in slugs]
    return paths


def all_pages(app: Flask, session: DbSession) -> list[str]:
    """Every page the static site holds."""
    paths: list[str] = []
    current = session.execute(
        select(Publication.slug).where(Publication.is_current.is_(True)).distinct()
    ).scalars()
    slugs = sorted(set(current))
    topics = sorted(session.scalars(select(Topic.slug)))
    for locale in LOCALES:
        months = {(y, m) for y, m, _count in finder.archive_months(session, locale)}
        paths += _list_paths(session, locale, months)
        paths += [f"/{locale}/topics/{slug}" for slug in topics]
        countries = finder.tag_counts(session, locale, "country")
        paths += [f"/{locale}/countries/{code.lower()}" for code, _n in countries]
        paths += [f"/{locale}/summaries/{slug}" for slug in slugs]
    return paths + _sitemaps(session, app)


def _sync_photos(app: Flask, session: DbSession, site: Path, summary_id: int | None) -> int:
    """The photo files current snapshots show are in the site; those they no longer show go
    (of one summary, or of every one when `summary_id` is None)."""
    query = select(Publication.content, Publication.is_current)
    if summary_id is not None:
        query = query.where(Publication.summary_id == summary_id)
    rows = session.execute(query).all()
    shown = _photo_names([content for content, is_current in rows if is_current])
    if summary_id is None:
        stale = writer.photo_files(site) - shown
    else:
        stale = _photo_names([content for content, is_current in rows if not is_current]) - shown
    photos_dir = Path(str(app.config["PHOTOS_DIR"]))
    changed = sum(writer.place_photo(site, photos_dir, name) for name in sorted(shown))
    return changed + writer.remove_photos(site, sorted(stale))


def _record(app: Flask, site: Path) -> None:
    record = {
        "fingerprint": current_fingerprint(app),
        "built_at": datetime.now(UTC).isoformat(),
    }
    writer._replace(site / writer.BUILD_FILE, json.dumps(record).encode())


def build_all(app: Flask, session: DbSession, site: Path) -> Report:
    """Write every page, and take away every file no page and no shown photo needs."""
    report = Report(full=True)
    kept = refresh(app, site, all_pages(app, session), report)
    for path in writer.page_files(site):
        if path not in kept and writer.remove(path):
            report.removed += 1
    report.photos = _sync_photos(app, session, site, None)
    _record(app, site)
    return report


def build_for(app: Flask, session: DbSession, site: Path, payload: dict) -> Report:
    """What a job asks for: one summary's pages, one topic's, or everything; everything as
    well when the templates, catalogs or assets changed since the last build."""
    if payload.get("full") or stored_fingerprint(site) != current_fingerprint(app):
        return build_all(app, session, site)
    report = Report()
    if "summary_id" in payload:
        summary_id = int(payload["summary_id"])
        paths, _slugs = summary_pages(app, session, summary_id)
        refresh(app, site, paths, report)
        report.photos = _sync_photos(app, session, site, summary_id)
    if "topic" in payload:
        refresh(app, site, topic_pages(app, session, str(payload["topic"])), report)
    return report


def take_away(site: Path, slug: str, locale: str) -> bool:
    """Remove a summary page's files at once (a withdrawal: the app answers 410 from now on)."""
    target = writer.file_for(site, f"/{locale}/summaries/{slug}")
    return target is not None and writer.remove(target)
