"""Readers at scale: the sitemap index and the indexes that keep reader pages off full scans."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from tests.factories import staff_headers, summary_payload
from webapp.extensions import db
from webapp.publishing.models import Publication

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://kakehashi.example"


def _publish_english(client, liaison, count: int) -> list[dict]:
    made = []
    for n in range(count):
        created = client.post(
            "/api/v1/summaries", json=summary_payload(title=f"Talks {n}"), headers=liaison
        ).json
        resp = client.post(
            f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
        )
        assert resp.status_code == 200, resp.json
        made.append(created)
    return made


def _sitemap(client) -> tuple[list[int], list[str]]:
    """URLs per file, and every URL the files list, in order."""
    index = ET.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{SITEMAP}sitemapindex"
    sizes, urls = [], []
    for loc in [x.findtext(f"{SITEMAP}loc") or "" for x in index.iter(f"{SITEMAP}sitemap")]:
        resp = client.get(loc.removeprefix(BASE))
        assert resp.status_code == 200, loc
        found = [
            u.findtext(f"{SITEMAP}loc") or ""
            for u in ET.fromstring(resp.data).iter(f"{SITEMAP}url")
        ]
        sizes.append(len(found))
        urls += found
    return sizes, urls


def test_sitemap_files_hold_the_limit_and_list_every_current_page_once_across_gaps(make_app):
    """Files follow blocks of ids: republished and withdrawn snapshots leave gaps in the ids,
    and still each current page is listed exactly once and no file passes the limit."""
    app = make_app(SITEMAP_URLS_PER_FILE=4, BASE_URL=BASE, READER_CACHE=False)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    made = _publish_english(client, liaison, 7)
    for created in made[1:3]:  # republished: their first snapshots' ids are gaps now
        resp = client.post(
            f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
        )
        assert resp.status_code == 200
    resp = client.post(
        f"/api/v1/summaries/{made[4]['id']}/withdraw",
        json={"locales": ["en"], "reason": "Published by mistake."},
        headers=liaison,
    )
    assert resp.status_code == 200, resp.json
    sizes, urls = _sitemap(client)
    with app.app_context():
        current = {
            f"{BASE}/{loc}/summaries/{slug}"
            for loc, slug in db.session.execute(
                select(Publication.locale, Publication.slug).where(Publication.is_current.is_(True))
            )
        }
    assert max(sizes) <= 4
    assert len(urls) == len(set(urls))
    assert set(urls) == current | {f"{BASE}/en/", f"{BASE}/ja/"}
    assert len(current) == 6  # 7 published, 1 withdrawn
    assert client.get(f"/sitemap-{len(sizes) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_sitemap_index_reads_no_row_per_publication(make_app):
    """The index names its files from the newest id alone: one query, not a count of rows."""
    app = make_app(SITEMAP_URLS_PER_FILE=3, READER_CACHE=False)
    client = app.test_client()
    _publish_english(client, staff_headers(app, "liaison"), 4)
    with counting_with_parameters(app) as statements:
        assert client.get("/sitemap.xml").status_code == 200
    assert len(statements) == 1 and "count(" not in statements[0][0].lower(), statements


def _plan(app, statement: str, parameters) -> str:
    """The plan of a statement the app sent; PostgreSQL is told to avoid sequential scans,
    which its planner rightly prefers on a table of a few rows."""
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if db.engine.dialect.name == "postgresql":
                cursor.execute("SET enable_seqscan = off")
                cursor.execute("EXPLAIN " + statement, parameters)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        finally:
            raw.close()


@pytest.mark.backends("sqlite", "postgresql")
def test_a_summary_page_finds_its_snapshots_by_index(make_app, backend):
    """The reader page's snapshots and its first publication date read the summary's index
    entries, not every publication of the locale (at 50,000 summaries, before the index, the
    page's p95 went from 1.6 ms to 31 ms)."""
    app = make_app(READER_CACHE=False)
    client = app.test_client()
    created = _publish_english(client, staff_headers(app, "liaison"), 2)[0]
    with counting_with_parameters(app) as statements:
        assert client.get(f"/en/summaries/{created['slug']}").status_code == 200
    # The site's generation (for the ETag) is read on the thread's own driver connection
    # (reader.cache), not through SQLAlchemy: the page itself is two statements.
    page = [(sql, args) for sql, args in statements if "max(publications.id)" not in sql]
    assert len(statements) == 2 and len(page) == 2, statements
    for statement, parameters in page:
        plan = _plan(app, statement, parameters)
        if backend == "sqlite":
            assert "ix_publications_summary" in plan, plan
            assert "SCAN publications\n" not in plan + "\n", plan
        else:  # on a table of a few rows PostgreSQL's planner may pick any index: no full scan
            assert "Seq Scan on publications" not in plan, plan


@contextmanager
def counting_with_parameters(app):
    """The SQL statements the app sends inside the block, with their parameters."""
    with app.app_context():
        engine = db.engine
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
