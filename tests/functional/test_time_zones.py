"""Each person sees staff times in their own zone, named; readers' pages do not depend on who looks.

Washington and Tokyo share the desk, fourteen hours apart: a time without its zone is a trap.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_sessions_and_login import post_form, sign_in
from webapp.accounts import services as users
from webapp.extensions import db
from webapp.publishing.models import Publication
from webapp.summaries.models import Revision

# Midnight UTC: already 9 AM on the 16th in Tokyo, still 7 PM on the 15th in Washington.
SAVED_AT = datetime(2026, 1, 16, 0, 0, tzinfo=UTC)


def zone_of(app, email: str) -> str | None:
    with app.app_context():
        return users.find_user(db.session, email).time_zone


def person_in(app, client, role: str, email: str, zone: str | None, ui_locale: str = "en"):
    """A signed-in client for a new person in that zone (None: never set) and language."""
    make_user(app, role, email=email)
    assert sign_in(client, email).status_code == 302
    if zone:
        assert (
            post_form(client, "/account", "/account/time-zone", time_zone=zone).status_code == 302
        )
    if ui_locale != "en":
        post_form(client, "/account", "/account/language", ui_locale=ui_locale)
    return client


def test_the_account_page_changes_the_zone_and_refuses_an_unknown_one(app, client):
    email = make_user(app, "translator", ["ja"])
    sign_in(client, email)
    page = client.get("/account").get_data(as_text=True)
    # The desk's two capitals open the list; every zone zoneinfo knows follows.
    options = re.findall(r'<option[^>]*value="([^"]+)"', page.split('id="time_zone"')[1])
    assert options[:2] == ["America/New_York", "Asia/Tokyo"]
    assert "Pacific/Auckland" in options and "Europe/Paris" in options

    changed = post_form(client, "/account", "/account/time-zone", time_zone="Asia/Tokyo")
    assert changed.status_code == 302
    assert zone_of(app, email) == "Asia/Tokyo"
    page = client.get("/account").get_data(as_text=True)
    assert '<option selected value="Asia/Tokyo">' in page

    for bad in ("Mars/Olympus_Mons", "", "../../etc/passwd", "Asia/Tokyo\x00", "x" * 300):
        refused = post_form(client, "/account", "/account/time-zone", time_zone=bad)
        assert refused.status_code == 422, bad
        html = refused.get_data(as_text=True)
        assert 'id="time_zone-error-1"' in html and "such as Asia/Tokyo" in html
    assert zone_of(app, email) == "Asia/Tokyo"


def test_sign_in_takes_the_browser_zone_only_when_none_is_set(app):
    email = make_user(app, "liaison")
    # A zone zoneinfo does not know is a hint ignored, never a failed sign-in.
    assert sign_in(app.test_client(), email, time_zone="Nowhere/Else").status_code == 302
    assert zone_of(app, email) is None
    assert sign_in(app.test_client(), email, time_zone="Asia/Tokyo").status_code == 302
    assert zone_of(app, email) == "Asia/Tokyo"
    # Later browsers (a trip to Washington, a laptop set wrong) never replace it.
    assert sign_in(app.test_client(), email, time_zone="America/New_York").status_code == 302
    assert zone_of(app, email) == "Asia/Tokyo"
    # A zone chosen on the account page is not replaced either.
    chosen = make_user(app, "translator", ["ja"])
    client = app.test_client()
    sign_in(client, chosen)
    post_form(client, "/account", "/account/time-zone", time_zone="Europe/London")
    sign_in(app.test_client(), chosen, time_zone="Asia/Tokyo")
    assert zone_of(app, chosen) == "Europe/London"


def _saved_at_on_history(client, summary_id: int) -> str:
    html = client.get(f"/manage/summaries/{summary_id}/history").get_data(as_text=True)
    cells = re.findall(r'<td data-label="[^"]+">([^<]*\d{4}[^<]*)</td>', html)
    assert cells, html
    return cells[0]


def test_staff_times_show_in_each_persons_zone_with_its_name(app):
    liaison = staff_headers(app, "liaison")
    created = app.test_client().post("/api/v1/summaries", json=summary_payload(), headers=liaison)
    summary_id = created.json["id"]
    with app.app_context():
        db.session.execute(
            update(Revision).where(Revision.summary_id == summary_id).values(created_at=SAVED_AT)
        )
        db.session.commit()

    tokyo = person_in(app, app.test_client(), "admin", "tokyo@example.org", "Asia/Tokyo")
    washington = person_in(app, app.test_client(), "admin", "dc@example.org", "America/New_York")
    unset = person_in(app, app.test_client(), "admin", "new@example.org", None)
    tokyo_ja = person_in(
        app, app.test_client(), "admin", "tokyo-ja@example.org", "Asia/Tokyo", "ja"
    )

    assert _saved_at_on_history(tokyo, summary_id) == "Jan 16, 2026, 9:00\u202fAM JST"
    assert _saved_at_on_history(washington, summary_id) == "Jan 15, 2026, 7:00\u202fPM EST"
    assert _saved_at_on_history(unset, summary_id) == "Jan 16, 2026, 12:00\u202fAM UTC"
    assert _saved_at_on_history(tokyo_ja, summary_id) == "2026年1月16日 9:00 JST"

    # The audit page too: each entry's time carries the reader's zone.
    tokyo_audit = tokyo.get("/admin/audit/").get_data(as_text=True)
    dc_audit = washington.get("/admin/audit/").get_data(as_text=True)
    assert re.search(r"<strong>[^<]+ JST</strong>", tokyo_audit)
    assert re.search(r"<strong>[^<]+ E[SD]T</strong>", dc_audit)
    assert not re.search(r"<strong>[^<]+ JST</strong>", dc_audit)


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_reader_page_is_the_same_whoever_looks(app, client, locale):
    liaison = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    with app.app_context():
        # Late on the 15th in UTC: already the 16th in Tokyo.
        late = datetime(2026, 1, 15, 20, 0, tzinfo=UTC)
        db.session.execute(
            update(Publication)
            .where(Publication.summary_id == created["id"])
            .values(published_at=late)
        )
        db.session.commit()
    url = f"/en/summaries/{created['slug']}"
    tokyo = person_in(
        app, app.test_client(), "liaison", f"tokyo-{locale}@example.org", "Asia/Tokyo", locale
    )
    staff_view = tokyo.get(url).get_data(as_text=True)
    anonymous_view = app.test_client().get(url).get_data(as_text=True)
    published = re.search(r'datetime="2026-01-15T20:00:00\+00:00">([^<]+)<', anonymous_view)
    assert published and published.group(1) == "January 15, 2026"
    assert 'datetime="2026-01-15T20:00:00+00:00">January 15, 2026<' in staff_view
    assert "JST" not in staff_view and "January 16, 2026" not in staff_view
