"""Readers at scale: the archive's month counts follow every change of what readers see."""

from __future__ import annotations

import pytest
from sqlalchemy import extract, func, select, text

from tests.factories import staff_headers, summary_payload
from webapp.extensions import db
from webapp.publishing.models import Publication
from webapp.search import services as finder

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def _counted(app, locale: str) -> list[tuple[int, int, int]]:
    """The months as a full count of current publications gives them (what the page showed
    before the counts were kept)."""
    with app.app_context():
        year = extract("year", Publication.meeting_date)
        month = extract("month", Publication.meeting_date)
        rows = db.session.execute(
            select(year, month, func.count())
            .where(Publication.locale == locale, Publication.is_current.is_(True))
            .group_by(year, month)
            .order_by(year.desc(), month.desc())
        )
        return [(int(y), int(m), int(n)) for y, m, n in rows]


def _kept(app, locale: str) -> list[tuple[int, int, int]]:
    with app.app_context():
        return finder.archive_months(db.session, locale)


def test_month_counts_follow_publish_republish_withdraw_and_reindex(make_app):
    app = make_app(READER_CACHE=False)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")

    def publish(summary_id: int) -> None:
        resp = client.post(
            f"/api/v1/summaries/{summary_id}/publish", json={"locales": ["en"]}, headers=liaison
        )
        assert resp.status_code == 200, resp.json

    made = []
    for n, day in enumerate(["2026-01-15", "2026-01-20", "2026-02-03", "2025-12-31"]):
        created = client.post(
            "/api/v1/summaries",
            json=summary_payload(title=f"Talks {n}", meeting_date=day),
            headers=liaison,
        ).json
        publish(created["id"])
        made.append(created)
    assert _kept(app, "en") == [(2026, 2, 1), (2026, 1, 2), (2025, 12, 1)] == _counted(app, "en")
    assert _kept(app, "ja") == []

    # Republished unchanged: the month keeps its count (the old snapshot stops being current).
    publish(made[0]["id"])
    assert _kept(app, "en") == _counted(app, "en") == [(2026, 2, 1), (2026, 1, 2), (2025, 12, 1)]

    # A new meeting date, republished: the count moves to the new month.
    resp = client.patch(
        f"/api/v1/summaries/{made[1]['id']}",
        json={"meeting_date": "2026-03-01"},
        headers={**liaison, "If-Match": f'"{made[1]["version"]}"'},
    )
    assert resp.status_code == 200, resp.json
    publish(made[1]["id"])
    assert _kept(app, "en") == _counted(app, "en")
    assert _kept(app, "en") == [(2026, 3, 1), (2026, 2, 1), (2026, 1, 1), (2025, 12, 1)]

    # Withdrawn: the month that empties leaves the archive; published again, it comes back.
    resp = client.post(
        f"/api/v1/summaries/{made[3]['id']}/withdraw",
        json={"locales": ["en"], "reason": "Published by mistake."},
        headers=liaison,
    )
    assert resp.status_code == 200, resp.json
    assert _kept(app, "en") == _counted(app, "en") == [(2026, 3, 1), (2026, 2, 1), (2026, 1, 1)]
    page = client.get("/en/archive/").get_data(as_text=True)
    assert "/en/archive/2026/3/" in page and "/en/archive/2025/12/" not in page
    publish(made[3]["id"])
    assert _kept(app, "en") == _counted(app, "en")
    assert (2025, 12, 1) in _kept(app, "en")

    # A reindex (after a restore) recounts from the publications, whatever the table held.
    with app.app_context():
        db.session.execute(text("UPDATE archive_month_counts SET count = 99"))
        finder.reindex_all(db.session)
        db.session.commit()
    assert _kept(app, "en") == _counted(app, "en")


def test_the_archive_reads_the_counts_not_the_publications(make_app):
    """One statement over the month counts, whatever the number of publications."""
    from tests.functional.test_scale_sitemap import counting_with_parameters

    app = make_app(READER_CACHE=False)
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    with counting_with_parameters(app) as statements:
        assert client.get("/en/archive/").status_code == 200
    months = [sql for sql, _ in statements if "archive_month_counts" in sql]
    assert len(months) == 1, statements
    assert not any("count(" in sql.lower() and "publications" in sql for sql, _ in statements)
