"""A summary's address: editable until it is published, then an administrator's change with a
permanent redirect from the old one."""

from __future__ import annotations

import pytest

from tests.factories import bearer, make_user, summary_payload


@pytest.mark.backends("sqlite", "postgresql")
def test_a_draft_slug_changes_freely_a_published_one_only_by_an_admin_with_a_301(app, client):
    liaison = bearer(app, make_user(app, "liaison"))
    admin = bearer(app, make_user(app, "admin"))
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    url = f"/api/v1/summaries/{created['id']}/slug"
    renamed = client.post(url, json={"slug": "hegseth-koizumi-pentagon"}, headers=liaison)
    assert renamed.status_code == 200 and renamed.json["slug"] == "hegseth-koizumi-pentagon"
    client.post(
        f"/api/v1/summaries/{created['id']}/publish", json={"locales": ["en"]}, headers=liaison
    )
    refused = client.post(url, json={"slug": "another-name"}, headers=liaison)
    assert refused.status_code == 403
    moved = client.post(url, json={"slug": "hegseth-hosts-koizumi"}, headers=admin)
    assert moved.status_code == 200
    old = client.get("/en/summaries/hegseth-koizumi-pentagon")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/en/summaries/hegseth-hosts-koizumi")
    assert client.get("/en/summaries/hegseth-hosts-koizumi").status_code == 200
    assert "hegseth-hosts-koizumi" in client.get("/sitemap-1.xml").get_data(as_text=True)


def test_bad_and_taken_slugs_are_field_errors(app, client):
    liaison = bearer(app, make_user(app, "liaison"))
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    second = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    url = f"/api/v1/summaries/{second['id']}/slug"
    for bad in ("Not A Slug", "a" * 121, "-dash-", "", "日本"):
        resp = client.post(url, json={"slug": bad}, headers=liaison)
        assert resp.status_code == 422 and "slug" in resp.json["fields"], bad
    taken = client.post(url, json={"slug": first["slug"]}, headers=liaison)
    assert taken.status_code == 422 and "taken" in taken.json["fields"]["slug"]


def test_staff_choose_their_ui_language_apart_from_the_public_site(app, client):
    from tests.conftest import csrf_token
    from tests.functional.test_sessions_and_login import sign_in

    sign_in(client, make_user(app, "liaison"))
    page = client.get("/account").get_data(as_text=True)
    client.post("/account/language", data={"ui_locale": "ja", "csrf_token": csrf_token(page)})
    assert "会談要旨" in client.get("/manage/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert '<html lang="en"' in client.get("/en/").get_data(as_text=True)  # the URL decides there
    page = client.get("/account").get_data(as_text=True)
    client.post("/account/language", data={"ui_locale": "", "csrf_token": csrf_token(page)})
    html = client.get("/manage/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en"' in html
