"""Every staff list page fits a phone (issue 21, item 7): at 390 px nothing pushes the page
sideways, in English and Japanese; the glossary and the topics read as cards there, as the
review queue and the liaison's desk do, instead of a table scrolling inside itself."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in
from tests.factories import make_user, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.browser

LISTS = (
    "/manage/",
    "/manage/work",
    "/manage/inbox",
    "/review/",
    "/glossary/",
    "/memory/",
    "/manage/topics/",
    "/admin/users/",
    "/admin/audit/",
    "/admin/jobs/",
    "/admin/engine/",
    "/admin/models/",
    "/manage/webhooks/",
)
NOTE = "Official rendering confirmed by the Ministry of Defense press office, January 2026"


@pytest.fixture
def filled(app):
    """A summary with drafts, long glossary terms and topics, as a desk has them."""
    liaison = staff_headers(app, "liaison")
    admin = staff_headers(app, "admin", email="admin-data@example.org")
    client = app.test_client()
    client.post("/api/v1/summaries", json=summary_payload(), headers=liaison)
    run_worker(app, burst=True)
    for source, target in (
        ("Indo-Pacific Command (INDOPACOM)", "インド太平洋軍"),
        ("Japan Self-Defense Forces", "自衛隊"),
        ("extended deterrence", "拡大抑止"),
    ):
        resp = client.post(
            "/api/v1/glossary",
            json={
                "source_locale": "en",
                "target_locale": "ja",
                "source": source,
                "target": target,
                "note": NOTE,
            },
            headers=admin,
        )
        assert resp.status_code == 201, resp.json
    for slug, en, ja in (
        ("defense-industrial-cooperation", "Defense industrial cooperation", "防衛産業協力"),
        ("extended-deterrence", "Extended deterrence", "拡大抑止"),
    ):
        resp = client.post(
            "/api/v1/topics", json={"slug": slug, "names": {"en": en, "ja": ja}}, headers=liaison
        )
        assert resp.status_code == 201, resp.json


@pytest.mark.parametrize("ui", ["en-US", "ja-JP"])
def test_no_staff_list_scrolls_sideways_on_a_phone(app, live_server, new_page, filled, ui):
    email = make_user(app, "admin")
    page = new_page(width=390, height=844, locale=ui)
    sign_in(page, live_server, email)
    wide = {}
    for path in LISTS:
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        sizes = page.evaluate(
            "[document.documentElement.scrollWidth, innerWidth,"
            " Math.max(0, ...[...document.querySelectorAll('.table-scroll')]"
            ".map(e => e.scrollWidth - e.clientWidth))]"
        )
        if sizes[0] > sizes[1] or sizes[2] > 0:
            wide[path] = sizes
    assert wide == {}, "page width, window width, a table's own sideways scroll"


def test_glossary_and_topics_are_cards_on_a_phone_and_tables_on_a_desk(
    app, live_server, new_page, filled
):
    email = make_user(app, "admin")
    phone = new_page(width=390, height=844)
    sign_in(phone, live_server, email)
    for path, table in (("/glossary/", "[data-glossary]"), ("/manage/topics/", "[data-topics]")):
        phone.goto(f"{live_server}{path}")
        row = phone.locator(f"{table} tbody tr").first
        assert row.evaluate("e => getComputedStyle(e).display") == "block"
        label = phone.locator(f"{table} tbody td[data-label]").first
        assert label.evaluate("e => getComputedStyle(e, '::before').content") != "none"
    desk = new_page(width=1280, height=900)
    sign_in(desk, live_server, email)
    desk.goto(f"{live_server}/glossary/")
    assert (
        desk.locator("[data-glossary] tbody tr").first.evaluate("e => getComputedStyle(e).display")
        == "table-row"
    )
    assert desk.locator("[data-glossary] thead").is_visible()
