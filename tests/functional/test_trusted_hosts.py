"""TRUSTED_HOSTS: the site answers only to its own host names; any other Host gets our 400."""

from __future__ import annotations

import pytest

from tests.factories import bearer, make_user
from tests.functional.test_security_headers import assert_security_headers

EVIL = {"Host": "evil.example"}


@pytest.mark.parametrize("path", ["/", "/en", "/en/", "/login", "/sitemap.xml", "/static/site.css"])
def test_an_untrusted_host_gets_our_400_page_and_no_redirect(client, path):
    resp = client.get(path, headers=EVIL)
    assert resp.status_code == 400
    assert "Location" not in resp.headers
    assert resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert "The request could not be handled" in page and "evil.example" not in page
    assert_security_headers(resp)


def test_an_untrusted_host_gets_a_json_400_from_the_api(app, client):
    headers = {**bearer(app, make_user(app, "liaison")), **EVIL}
    resp = client.get("/api/v1/glossary", headers=headers)
    assert resp.status_code == 400
    assert set(resp.json) == {"error", "fields"} and resp.json["fields"] == {}


def test_the_japanese_400_page_is_in_japanese(client):
    resp = client.get("/ja/", headers=EVIL)
    assert resp.status_code == 400 and 'lang="ja"' in resp.get_data(as_text=True)


def test_by_default_base_urls_host_and_the_loopback_names_are_trusted(make_app):
    client = make_app(BASE_URL="https://kakehashi.example").test_client()
    for host in ("kakehashi.example", "localhost", "localhost:5000", "127.0.0.1:5000"):
        assert client.get("/en/", headers={"Host": host}).status_code == 200, host
    assert client.get("/en/", headers={"Host": "www.kakehashi.example"}).status_code == 400


def test_a_configured_list_replaces_the_default_and_a_dot_takes_subdomains(make_app):
    client = make_app(TRUSTED_HOSTS="news.example, .example.org").test_client()
    for host in ("news.example", "news.example:8443", "example.org", "desk.example.org"):
        assert client.get("/en/", headers={"Host": host}).status_code == 200, host
    for host in ("localhost", "evil.example", "news.example.evil", "example.org.evil"):
        assert client.get("/en/", headers={"Host": host}).status_code == 400, host


def test_a_star_trusts_any_host(make_app):
    client = make_app(TRUSTED_HOSTS="*").test_client()
    assert client.get("/en/", headers=EVIL).status_code == 200


def test_a_returning_readers_stored_page_is_not_served_to_an_untrusted_host(client):
    client.get("/en/")  # sets the locale cookie: the next GET may be answered from storage
    assert client.get("/en/").status_code == 200
    assert client.get("/en/").status_code == 200
    assert client.get("/en/", headers=EVIL).status_code == 400
