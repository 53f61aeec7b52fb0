"""The same walk through the HTML forms, with CSRF tokens as a browser would send them."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from webapp.jobs.worker import run_worker


def login(client, email: str):
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp


def logout(client):
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})


FORM = {
    "source_locale": "en",
    "title": "Hegseth hosts Koizumi",
    "meeting_date": "2026-01-15",
    "location": "The Pentagon",
    "lede": "The two ministers met at the Pentagon.",
    "body": (
        "They praised the alliance. They trained together in the morning.\n\n"
        "It was their second meeting."
    ),
    "participants-0-name": "Pete Hegseth",
    "participants-0-role": "Secretary of War",
    "participants-0-country": "US",
    "participants-1-name": "Shinjirō Koizumi",
    "participants-1-role": "Minister of Defense",
    "participants-1-country": "JP",
    "quotes-0-speaker": "Pete Hegseth",
    "quotes-0-text": "America first does not mean America alone.",
}


def test_liaison_translator_and_reader_each_do_their_part(app, client):
    make_user(app, "liaison")
    make_user(app, "translator", ["ja"])

    login(client, "liaison-all@example.org")
    page = client.get("/manage/summaries/new").get_data(as_text=True)
    resp = client.post("/manage/summaries/new", data={**FORM, "csrf_token": csrf_token(page)})
    assert resp.status_code == 302
    summary_url = resp.headers["Location"]
    detail = client.get(summary_url).get_data(as_text=True)
    assert "Hegseth hosts Koizumi" in detail
    assert "Waiting for machine translation" in detail
    publish_token = csrf_token(detail)
    resp = client.post(f"{summary_url}/publish", data={"locale": "ja", "csrf_token": publish_token})
    assert "Not approved for the current version yet: ja" in client.get(
        resp.headers["Location"]
    ).get_data(as_text=True)
    logout(client)

    run_worker(app, burst=True)

    login(client, "translator-ja@example.org")
    queue = client.get("/review/").get_data(as_text=True)
    link = re.search(r'href="(/review/translations/\d+)"', queue).group(1)
    page = client.get(link).get_data(as_text=True)
    forms = re.findall(r'action="(/review/translations/\d+/segments/(\d+))"', page)
    assert len(forms) == 12  # title, location, lede, 3 body sentences, quote x2, participants x4
    for action, seg_id in forms:
        page = client.get(link).get_data(as_text=True)
        version = re.search(rf'name="s{seg_id}-version"[^>]*value="(\d+)"', page).group(1)
        resp = client.post(
            action,
            data={
                f"s{seg_id}-text": f"承認済みの訳 {seg_id}",
                f"s{seg_id}-version": version,
                f"s{seg_id}-approve": "y",
                "csrf_token": csrf_token(page),
            },
        )
        assert resp.status_code == 302
    page = client.get(link).get_data(as_text=True)
    assert page.count("segment-approved") == 12
    resp = client.post(f"{link}/approve", data={"csrf_token": csrf_token(page)})
    assert "Translation approved" in client.get(resp.headers["Location"]).get_data(as_text=True)
    logout(client)

    login(client, "liaison-all@example.org")
    detail = client.get(summary_url).get_data(as_text=True)
    for locale in ("en", "ja"):
        client.post(
            f"{summary_url}/publish", data={"locale": locale, "csrf_token": csrf_token(detail)}
        )
    logout(client)

    home = client.get("/ja/").get_data(as_text=True)
    slug_link = re.search(r'href="(/ja/summaries/[^"]+)"', home).group(1)
    reader = client.get(slug_link).get_data(as_text=True)
    assert '<html lang="ja">' in reader
    assert "承認済みの訳" in reader
    assert "2026年1月15日" in reader
    en = client.get(slug_link.replace("/ja/", "/en/")).get_data(as_text=True)
    assert "January 15, 2026" in en and "Hegseth hosts Koizumi" in en


def test_form_errors_are_shown_next_to_the_fields(app, client):
    make_user(app, "liaison")
    login(client, "liaison-all@example.org")
    page = client.get("/manage/summaries/new").get_data(as_text=True)
    resp = client.post(
        "/manage/summaries/new",
        data={**FORM, "title": "", "meeting_date": "2026-02-30", "csrf_token": csrf_token(page)},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert html.count('class="error"') >= 2


def liaison_writes_a_summary(app, client) -> str:
    """Sign in as liaison staff and save FORM; returns the summary's staff page."""
    make_user(app, "liaison")
    login(client, "liaison-all@example.org")
    page = client.get("/manage/summaries/new").get_data(as_text=True)
    resp = client.post("/manage/summaries/new", data={**FORM, "csrf_token": csrf_token(page)})
    assert resp.status_code == 302
    return resp.headers["Location"]


def test_concurrent_html_edit_is_refused_with_what_changed(app, client):
    url = liaison_writes_a_summary(app, client)
    first = client.get(f"{url}/edit").get_data(as_text=True)
    second = client.get(f"{url}/edit").get_data(as_text=True)
    ok = client.post(
        f"{url}/edit",
        data={**FORM, "title": "Edited first", "version": "1", "csrf_token": csrf_token(first)},
    )
    assert ok.status_code == 302
    late = client.post(
        f"{url}/edit",
        data={**FORM, "lede": "Edited second", "version": "1", "csrf_token": csrf_token(second)},
    )
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "title" in html and "Edited second" in html  # the late writer keeps their text
    assert "Edited first" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/manage/", "/review/", "/manage/summaries/new"])
def test_staff_pages_need_sign_in(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_roles_are_enforced_on_the_server(app, client):
    make_user(app, "translator", ["ja"])
    login(client, "translator-ja@example.org")
    assert client.get("/manage/summaries/new").status_code == 403
    page = client.get("/manage/").get_data(as_text=True)
    assert (
        client.post(
            "/manage/summaries/new", data={**FORM, "csrf_token": csrf_token(page)}
        ).status_code
        == 403
    )


def test_post_without_csrf_token_is_refused(app, client):
    make_user(app, "liaison")
    login(client, "liaison-all@example.org")
    assert client.post("/manage/summaries/new", data=FORM).status_code in (400, 422)


def test_wrong_password_is_a_form_error(app, client):
    make_user(app, "liaison")
    page = client.get("/login").get_data(as_text=True)
    resp = client.post(
        "/login",
        data={
            "email": "liaison-all@example.org",
            "password": "nope",
            "csrf_token": csrf_token(page),
        },
    )
    assert resp.status_code == 422
    assert "Wrong email or password" in resp.get_data(as_text=True)


def test_an_expired_form_gets_a_page_in_the_staff_language_and_nothing_is_saved(app, client):
    make_user(app, "liaison")
    login(client, "liaison-all@example.org")
    resp = client.post(
        "/manage/summaries/new",
        data={**FORM, "csrf_token": "expired"},
        headers={"Accept-Language": "ja"},
    )
    assert resp.status_code == 400
    assert "フォームを送信できませんでした" in resp.get_data(as_text=True)
    assert "Hegseth hosts Koizumi" not in client.get("/manage/").get_data(as_text=True)


def test_liaison_sees_when_readers_have_an_older_version(app, client):
    url = liaison_writes_a_summary(app, client)
    detail = client.get(url).get_data(as_text=True)
    client.post(f"{url}/publish", data={"locale": "en", "csrf_token": csrf_token(detail)})
    assert "Published (version 1)" in client.get(url).get_data(as_text=True)
    edit = client.get(f"{url}/edit").get_data(as_text=True)
    client.post(
        f"{url}/edit",
        data={**FORM, "title": "A better title", "version": "1", "csrf_token": csrf_token(edit)},
    )
    detail = client.get(url).get_data(as_text=True)
    assert "Readers see an older version until you publish again." in detail
    assert "Hegseth hosts Koizumi" in client.get("/en/").get_data(as_text=True)


def test_list_pages_query_a_constant_number_of_times(app, client):
    """No N+1: the dashboard and the review queue cost the same for 2 or 6 summaries."""
    from sqlalchemy import event

    from tests.factories import staff_headers, summary_payload
    from webapp.extensions import db

    liaison_api = staff_headers(app, "liaison", email="api@example.org")
    make_user(app, "admin")
    login(client, "admin-all@example.org")

    def count_queries(path: str) -> int:
        with app.app_context():
            engine = db.engine
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    def add_summaries(n: int) -> None:
        for i in range(n):
            resp = client.post(
                "/api/v1/summaries", json=summary_payload(title=f"Meeting {i}"), headers=liaison_api
            )
            assert resp.status_code == 201

    add_summaries(2)
    few = count_queries("/manage/"), count_queries("/review/")
    add_summaries(4)
    many = count_queries("/manage/"), count_queries("/review/")
    assert few == many


def test_a_tampered_version_field_is_a_form_error_not_a_crash(app, client):
    url = liaison_writes_a_summary(app, client)
    edit = client.get(f"{url}/edit").get_data(as_text=True)
    resp = client.post(
        f"{url}/edit", data={**FORM, "version": "abc", "csrf_token": csrf_token(edit)}
    )
    assert resp.status_code == 422
    assert 'class="error"' in resp.get_data(as_text=True)
