"""Every reader page makes a bounded number of SQL queries, however many summaries there are.

A cold page (nothing cached for the current publication generation) reads the generation and
then what the page shows; a warm page reads the generation only. Counted with SQLAlchemy's
`before_cursor_execute` event on the app's engine. A warm page a returning reader asks for is
answered below Flask (reader.cache.StoredPages), which reads the generation on a driver
connection of its own, out of SQLAlchemy's sight: on SQLite the driver's own trace counts it.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.factories import REASON, staff_headers, summary_payload
from webapp.extensions import db

# Path -> most queries a cold answer may make (the generation included). Pages with a slug or
# a person use the newest summary, written in English and translated into Japanese.
COLD = {
    "/en/": 2,
    "/ja/": 2,
    "/en/archive/": 2,
    "/en/archive/2026/": 2,
    "/en/archive/2026/1/": 2,
    "/en/countries/": 2,
    "/ja/countries/jp": 2,
    "/en/participants/": 2,
    "/en/participants/Pete%20Hegseth": 3,
    "/ja/participants/{ja_name}": 3,
    "/en/summaries/{slug}": 3,
    "/ja/summaries/{slug}": 3,
    "/en/feed.atom": 2,
    "/ja/feed.atom": 2,
    "/sitemap.xml": 2,
    "/sitemap-1.xml": 4,
}


def warm(backend: str, path: str) -> int:
    """A warm page reads the publication generation only: one statement of primary-key maxima.

    It is read on the thread's own driver connection (reader.cache.GenerationReader), by the
    layer below Flask for /<locale>/ pages and by the cache decorator for the others (the
    sitemap): on PostgreSQL where nothing can count it (see `counting`).
    """
    return 0 if backend == "postgresql" else 1


class Desk:
    """Staff who write an English summary, translate it by hand and publish both languages."""

    def __init__(self, app):
        self.client = app.test_client()
        self.liaison = staff_headers(app, "liaison")
        self.translator = staff_headers(app, "translator", ["ja"])
        self.count = 0

    def publish_both(self) -> dict:
        self.count += 1
        created = self.client.post(
            "/api/v1/summaries",
            json=summary_payload(title=f"Meeting number {self.count}"),
            headers=self.liaison,
        ).json
        tr_id = created["translations"]["ja"]["id"]
        tr = self.client.get(f"/api/v1/translations/{tr_id}", headers=self.translator).json
        for seg in tr["segments"]:
            resp = self.client.put(
                f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
                json={
                    "text": f"訳{seg['key']}",
                    "approve": True,
                    "reason": REASON,
                    "version": seg["version"],
                },
                headers=self.translator,
            )
            assert resp.status_code == 200, resp.json
        approved = self.client.post(
            f"/api/v1/translations/{tr_id}/approve", headers=self.translator
        )
        assert approved.status_code == 200, approved.json
        resp = self.client.post(
            f"/api/v1/summaries/{created['id']}/publish",
            json={"locales": ["en", "ja"]},
            headers=self.liaison,
        )
        assert resp.status_code == 200, resp.json
        return created


@contextmanager
def counting(app):
    """The SQL statements the app sends inside the block.

    Those SQLAlchemy's events see, and on SQLite also those run on connections taken out of
    the pool (the stored-page layer's own, see reader.cache.StoredPages), by the driver's
    trace. PostgreSQL's driver has no trace: there that one read is not counted (see `warm`).
    """
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    outside = app.extensions.setdefault("statements_outside_the_pool", [])
    if not app.extensions.get("tracing_detached"):
        app.extensions["tracing_detached"] = True

        def trace(dbapi_connection, connection_record):
            if engine.dialect.name == "sqlite":
                dbapi_connection.set_trace_callback(outside.append)

        event.listen(engine.pool, "detach", trace)

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    before = len(outside)
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
        statements.extend(outside[before:])


def counts(app, created: dict) -> dict[str, tuple[int, int]]:
    """Path -> (queries cold, queries warm) for a reader who has been here before."""
    reader = app.test_client()
    with counting(app):  # the stored-page layer's own connection is traced from its start
        reader.get("/en/")
    result = {}
    for template in COLD:
        path = template.format(slug=created["slug"], ja_name="%E8%A8%B3participant.0.name")
        measured = []
        for _ in range(2):
            with counting(app) as statements:
                resp = reader.get(path)
            assert resp.status_code == 200, path
            measured.append(len(statements))
        result[template] = (measured[0], measured[1])
    return result


@pytest.mark.backends("sqlite", "postgresql")
def test_each_reader_page_makes_a_bounded_number_of_queries_cold_and_one_warm(app, backend):
    desk = Desk(app)
    first = counts(app, desk.publish_both())
    for path, (cold, warm_count) in first.items():
        assert cold <= COLD[path], (path, cold)
        assert warm_count == warm(backend, path), (path, warm_count)
    for _ in range(3):
        newest = desk.publish_both()
    # more summaries, same queries (no query per item); each publish made every page cold again
    assert counts(app, newest) == first


@pytest.mark.backends("sqlite", "postgresql")
def test_the_summary_page_reads_its_snapshots_once(make_app, backend):
    """The page, its other languages and the original come from one query; the first
    publication date from a second; the site's generation (part of the ETag) from a third,
    on the thread's own driver connection (reader.cache.GenerationReader: no pool checkout,
    counted by the driver's trace on SQLite, out of sight on PostgreSQL). Without the cache,
    that is all a summary page costs."""
    app = make_app(READER_CACHE=False)
    created = Desk(app).publish_both()
    reader = app.test_client()
    with counting(app):  # the generation's own connection is traced from its start
        pass
    for locale in ("en", "ja"):
        path = f"/{locale}/summaries/{created['slug']}"
        reader.get(path)
        with counting(app) as statements:
            assert reader.get(path).status_code == 200
        assert len(statements) == (3 if backend == "sqlite" else 2), statements


@pytest.mark.backends("sqlite", "postgresql")
def test_search_and_a_page_not_found_stay_cheap(app, backend):
    """A search reads the generation and searches; the same search again (a popular query)
    is kept for anonymous readers and reads the generation only."""
    Desk(app).publish_both()
    reader = app.test_client()
    with counting(app):  # the generation's own connection is traced from its start
        pass
    for path, status, bound in (
        ("/en/search?q=Meeting", 200, 2),
        ("/en/search?q=Meeting", 200, warm(backend, "/en/search")),
        ("/en/summaries/no-such-summary", 404, 4),
    ):
        with counting(app) as statements:
            assert reader.get(path).status_code == status
        assert len(statements) <= bound, (path, statements)
