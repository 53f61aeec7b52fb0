"""Topics (a managed vocabulary in both languages) and related summaries, staff side: the API,
the staff topics page and the summary editor."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user, staff_headers, summary_payload

pytestmark = pytest.mark.backends("sqlite", "postgresql")

INDUSTRY = {"slug": "defense-industry", "names": {"en": "Defense industry", "ja": "防衛産業"}}


def sign_in(app, email: str):
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    resp = browser.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    assert resp.status_code == 302
    return browser


def test_the_vocabulary_through_the_api(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    assert client.post("/api/v1/topics", json=INDUSTRY, headers=translator).status_code == 403
    created = client.post("/api/v1/topics", json=INDUSTRY, headers=liaison)
    assert created.status_code == 201 and created.json == INDUSTRY
    again = client.post("/api/v1/topics", json=INDUSTRY, headers=liaison)
    assert again.status_code == 422 and "taken" in again.json["fields"]["slug"]
    half = client.post(
        "/api/v1/topics", json={"slug": "space", "names": {"en": "Space"}}, headers=liaison
    )
    assert half.status_code == 422 and "each language" in half.json["fields"]["names"]
    bad_slug = client.post(
        "/api/v1/topics", json={**INDUSTRY, "slug": "Defense Industry"}, headers=liaison
    )
    assert bad_slug.status_code == 422 and "slug" in bad_slug.json["fields"]
    same_name = client.post(
        "/api/v1/topics",
        json={"slug": "industry", "names": {"en": "defense industry", "ja": "産業"}},
        headers=liaison,
    )
    assert same_name.status_code == 422 and "names.en" in same_name.json["fields"]
    renamed = client.put(
        "/api/v1/topics/defense-industry",
        json={
            "slug": "defense-industry",
            "names": {"en": "Defense industry", "ja": "防衛産業基盤"},
        },
        headers=liaison,
    )
    assert renamed.status_code == 200 and renamed.json["names"]["ja"] == "防衛産業基盤"
    listed = client.get("/api/v1/topics", headers=translator).json["topics"]
    assert [t["slug"] for t in listed] == ["defense-industry"]
    assert client.delete("/api/v1/topics/nothing", headers=liaison).status_code == 404


def test_a_summary_names_known_topics_and_other_summaries(app, client):
    liaison = staff_headers(app, "liaison")
    client.post("/api/v1/topics", json=INDUSTRY, headers=liaison)
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    unknown = client.post(
        "/api/v1/summaries", json=summary_payload(topics=["space"]), headers=liaison
    )
    assert unknown.status_code == 422 and "space" in unknown.json["fields"]["topics"]
    twice = client.post(
        "/api/v1/summaries",
        json=summary_payload(topics=["defense-industry", "defense-industry"]),
        headers=liaison,
    )
    assert twice.status_code == 422 and "twice" in twice.json["fields"]["topics"]
    missing = client.post(
        "/api/v1/summaries", json=summary_payload(related=[99999]), headers=liaison
    )
    assert missing.status_code == 422 and "99999" in missing.json["fields"]["related"]
    second = client.post(
        "/api/v1/summaries",
        json=summary_payload(
            title="Second meeting", topics=["defense-industry"], related=[first["id"]]
        ),
        headers=liaison,
    )
    assert second.status_code == 201, second.json
    assert (second.json["topics"], second.json["related"]) == (["defense-industry"], [first["id"]])
    itself = client.patch(
        f"/api/v1/summaries/{second.json['id']}",
        json={"related": [second.json["id"]]},
        headers={**liaison, "If-Match": str(second.json["version"])},
    )
    assert itself.status_code == 422 and "itself" in itself.json["fields"]["related"]
    # A used topic cannot be deleted from under its summaries.
    used = client.delete("/api/v1/topics/defense-industry", headers=liaison)
    assert used.status_code == 409 and "1 summary" in used.json["error"]
    untagged = client.patch(
        f"/api/v1/summaries/{second.json['id']}",
        json={"topics": []},
        headers={**liaison, "If-Match": str(second.json["version"])},
    )
    assert untagged.status_code == 200 and untagged.json["topics"] == []
    assert untagged.json["version"] == second.json["version"] + 1
    assert client.delete("/api/v1/topics/defense-industry", headers=liaison).status_code == 204


def test_the_editor_ticks_topics_and_takes_related_addresses(app, client):
    liaison_email = make_user(app, "liaison", email="desk@example.org")
    api = staff_headers(app, "liaison")
    client.post("/api/v1/topics", json=INDUSTRY, headers=api)
    first = client.post("/api/v1/summaries", json=summary_payload(), headers=api).json
    browser = sign_in(app, liaison_email)
    page = browser.get("/manage/summaries/new").get_data(as_text=True)
    assert 'type="checkbox"' in page and "Defense industry" in page
    form = {
        "csrf_token": csrf_token(page),
        "source_locale": "en",
        "title": "Industry talks",
        "meeting_date": "2026-02-01",
        "body": "The ministers met.",
        "topics": "defense-industry",
        "related": "https://example.org/en/summaries/no-such-summary\n",
    }
    refused = browser.post("/manage/summaries/new", data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Line 1: no summary at" in body and "no-such-summary" in body
    form["related"] = "\n".join([first["slug"]] * 21)
    too_many = browser.post("/manage/summaries/new", data=form).get_data(as_text=True)
    assert "At most 20 entries." in too_many
    form["related"] = f"https://example.org/en/summaries/{first['slug']}/?x=1\n\n{first['id']}\n"
    saved = browser.post("/manage/summaries/new", data=form)
    assert saved.status_code == 302
    new_id = int(re.search(r"/summaries/(\d+)", saved.headers["Location"]).group(1))
    stored = client.get(f"/api/v1/summaries/{new_id}", headers=api).json
    assert stored["topics"] == ["defense-industry"] and stored["related"] == [first["id"]]
    edit = browser.get(f"/manage/summaries/{new_id}/edit").get_data(as_text=True)
    assert re.search(rf'name="related"[^>]*>\s*{first["slug"]}\s*</textarea>', edit)
    assert re.search(r'<input[^>]*checked[^>]*value="defense-industry"', edit) or re.search(
        r'<input[^>]*value="defense-industry"[^>]*checked', edit
    )


def test_the_topics_page_adds_and_renames_with_errors_beside_fields(app):
    email = make_user(app, "liaison", email="topics@example.org")
    browser = sign_in(app, email)
    page = browser.get("/manage/topics/").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "slug": "maritime", "name_en": "Maritime security"}
    missing = browser.post("/manage/topics/", data=form)
    assert missing.status_code == 422 and 'role="alert"' in missing.get_data(as_text=True)
    form["name_ja"] = "海洋安全保障"
    assert browser.post("/manage/topics/", data=form).status_code == 302
    form["name_ja"] = "海洋の安全保障"
    assert browser.post("/manage/topics/", data=form).status_code == 302
    listed = browser.get("/manage/topics/").get_data(as_text=True)
    assert "海洋の安全保障" in listed and "Topic renamed." in listed
    translator = sign_in(app, make_user(app, "translator", ["ja"]))
    their_page = translator.get("/manage/topics/").get_data(as_text=True)
    assert "Add or rename a topic" not in their_page  # no form for those who cannot use it
    form["csrf_token"] = csrf_token(their_page)
    assert translator.post("/manage/topics/", data=form).status_code == 403


def publish(client, headers, summary_id: int, locale: str) -> None:
    resp = client.post(
        f"/api/v1/summaries/{summary_id}/publish", json={"locales": [locale]}, headers=headers
    )
    assert resp.status_code == 200, resp.json


def test_readers_see_topics_and_related_summaries_published_in_their_language(app, client):
    liaison = staff_headers(app, "liaison")
    client.post("/api/v1/topics", json=INDUSTRY, headers=liaison)
    japanese = client.post(
        "/api/v1/summaries",
        json=summary_payload("ja", topics=["defense-industry"]),
        headers=liaison,
    ).json
    english_only = client.post(
        "/api/v1/summaries", json=summary_payload(title="Earlier talks"), headers=liaison
    ).json
    main = client.post(
        "/api/v1/summaries",
        json=summary_payload(
            title="Industry talks",
            topics=["defense-industry"],
            related=[japanese["id"], english_only["id"]],
        ),
        headers=liaison,
    ).json
    publish(client, liaison, japanese["id"], "ja")
    publish(client, liaison, main["id"], "en")
    page = client.get(f"/en/summaries/{main['slug']}").get_data(as_text=True)
    assert 'href="/en/topics/defense-industry"' in page and ">Defense industry<" in page
    # Neither related summary is published in English yet: no link, no empty heading.
    assert "Related summaries" not in page and "Earlier talks" not in page
    publish(client, liaison, english_only["id"], "en")
    page = client.get(f"/en/summaries/{main['slug']}").get_data(as_text=True)
    assert "Related summaries" in page
    assert f'href="/en/summaries/{english_only["slug"]}"' in page
    assert japanese["slug"] not in page  # published in Japanese only
    # Topic lists, each in its own language, named from the vocabulary.
    en_topics = client.get("/en/topics/").get_data(as_text=True)
    assert "Defense industry" in en_topics and "1 summary" in en_topics
    ja_topics = client.get("/ja/topics/").get_data(as_text=True)
    assert "防衛産業" in ja_topics
    listed = client.get("/en/topics/defense-industry").get_data(as_text=True)
    assert "Industry talks" in listed and "ヘグセス" not in listed
    assert "ヘグセス長官" in client.get("/ja/topics/defense-industry").get_data(as_text=True)
    assert client.get("/en/topics/no-such-topic").status_code == 404
    # A renamed topic reads right at once, on pages already published.
    client.put(
        "/api/v1/topics/defense-industry",
        json={
            "slug": "defense-industry",
            "names": {"en": "Defense industrial base", "ja": "防衛産業"},
        },
        headers=liaison,
    )
    assert "Defense industrial base" in client.get("/en/topics/").get_data(as_text=True)


def test_the_staff_navigation_marks_the_section_of_the_page(app):
    browser = sign_in(app, make_user(app, "liaison", email="nav@example.org"))
    page = browser.get("/manage/topics/").get_data(as_text=True)
    assert re.search(r'<a href="/manage/topics/" aria-current="page">Topics</a>', page)
    assert page.count('aria-current="page"') == 1
    desk = browser.get("/manage/").get_data(as_text=True)
    assert re.search(r'<a href="/manage/" aria-current="page">Summaries</a>', desk)


def test_a_reader_revalidating_a_summary_gets_a_renamed_topic_and_a_retitled_related_one(
    app, client
):
    """The page shows more than its own snapshots: its ETag follows those other changes too,
    or a browser or CDN revalidating its copy would keep the old names (304)."""
    liaison = staff_headers(app, "liaison")
    client.post("/api/v1/topics", json=INDUSTRY, headers=liaison)
    related = client.post(
        "/api/v1/summaries", json=summary_payload(title="Earlier talks"), headers=liaison
    ).json
    main = client.post(
        "/api/v1/summaries",
        json=summary_payload(
            title="Industry talks", topics=["defense-industry"], related=[related["id"]]
        ),
        headers=liaison,
    ).json
    publish(client, liaison, related["id"], "en")
    publish(client, liaison, main["id"], "en")
    reader = app.test_client()
    path = f"/en/summaries/{main['slug']}"
    etag = reader.get(path).headers["ETag"]
    assert reader.get(path, headers={"If-None-Match": etag}).status_code == 304

    client.put(
        "/api/v1/topics/defense-industry",
        json={"slug": "defense-industry", "names": {"en": "Industrial base", "ja": "防衛産業"}},
        headers=liaison,
    )
    fresh = reader.get(path, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "Industrial base" in fresh.get_data(as_text=True)

    etag = fresh.headers["ETag"]
    current = client.get(f"/api/v1/summaries/{related['id']}", headers=liaison).json
    client.patch(
        f"/api/v1/summaries/{related['id']}",
        json={"title": "Earlier talks, corrected"},
        headers={**liaison, "If-Match": str(current["version"])},
    )
    publish(client, liaison, related["id"], "en")
    fresh = reader.get(path, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "Earlier talks, corrected" in fresh.get_data(as_text=True)
