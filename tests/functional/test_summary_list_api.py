"""`GET /api/v1/summaries`: the desk's list in the API, with its filters and keyset paging, and
the glossary's CSV and TBX routes in the OpenAPI document (issue 21, item 13).

Before: the list answered 405 and the four glossary file routes were missing from the document."""

from __future__ import annotations

import pytest

from tests.factories import staff_headers, summary_payload

LIST = "/api/v1/summaries"


def write(client, headers, n: int, **overrides):
    payload = summary_payload(title=f"Meeting number {n}", **overrides)
    resp = client.post(LIST, json=payload, headers=headers)
    assert resp.status_code == 201, resp.json
    return resp.json


def walk(client, headers, **params) -> list[list[int]]:
    """Every slice of the list, following next_cursor to the end."""
    slices, cursor = [], None
    for _ in range(20):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        resp = client.get(LIST, query_string=query, headers=headers)
        assert resp.status_code == 200, resp.json
        slices.append([s["id"] for s in resp.json["summaries"]])
        cursor = resp.json["next_cursor"]
        if cursor is None:
            return slices
    raise AssertionError("the cursor never ran out")


@pytest.mark.backends("sqlite", "postgresql")
def test_the_list_pages_by_cursor_newest_first_and_an_edit_moves_a_summary_to_the_front(
    app, client
):
    liaison = staff_headers(app, "liaison")
    made = [write(client, liaison, n) for n in range(7)]
    ids = [m["id"] for m in made]
    assert walk(client, liaison, limit=3) == [ids[::-1][:3], ids[::-1][3:6], ids[::-1][6:]]

    first = client.get(LIST, query_string={"limit": 3}, headers=liaison).json
    row = first["summaries"][0]
    assert row["title"] == "Meeting number 6" and row["source_locale"] == "en"
    assert row["version"] == made[6]["version"] and row["updated_at"]
    assert {c["locale"]: c["state"] for c in row["cells"]}["en"] == "source"
    assert {c["locale"] for c in row["cells"]} >= {"en", "ja"}

    # An edit between two slices moves that summary to the front; the next slice neither
    # repeats nor skips anything that was after the cursor.
    edited = client.patch(
        f"{LIST}/{ids[0]}",
        json={"title": "Meeting number 0, corrected"},
        headers={**liaison, "If-Match": f'"{made[0]["version"]}"'},
    )
    assert edited.status_code == 200, edited.json
    second = client.get(
        LIST, query_string={"limit": 3, "cursor": first["next_cursor"]}, headers=liaison
    ).json
    assert [s["id"] for s in second["summaries"]] == [ids[3], ids[2], ids[1]]
    assert walk(client, liaison, limit=100) == [[ids[0], *ids[:0:-1]]]


@pytest.mark.backends("sqlite", "postgresql")
def test_the_desks_filters_work_in_the_api(app, client):
    liaison = staff_headers(app, "liaison")
    plain = write(client, liaison, 1)
    korea = write(client, liaison, 2, countries=["US", "KR"], meeting_date="2026-03-02")
    resp = client.post(f"{LIST}/{plain['id']}/publish", json={"locales": ["en"]}, headers=liaison)
    assert resp.status_code == 200, resp.json

    def found(**params) -> list[int]:
        resp = client.get(LIST, query_string=params, headers=liaison)
        assert resp.status_code == 200, resp.json
        return [s["id"] for s in resp.json["summaries"]]

    assert found(country="KR") == [korea["id"]]
    assert found(state="published") == [plain["id"]]
    assert found(state="published", locale="ja") == []
    assert found(q="number 2") == [korea["id"]]
    assert found(since="2026-03-01", until="2026-03-31") == [korea["id"]]
    published = client.get(LIST, query_string={"state": "published"}, headers=liaison).json
    cells = {c["locale"]: c for c in published["summaries"][0]["cells"]}
    assert cells["en"]["published_version"] == plain["version"]


@pytest.mark.backends("sqlite", "postgresql")
def test_bad_list_parameters_are_field_errors_never_a_500(app, client):
    translator = staff_headers(app, "translator", ["ja"])
    assert client.get(LIST).status_code == 401
    for params, field in (
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"state": "lost"}, "state"),
        ({"locale": "xx"}, "locale"),
        ({"country": "ZZ"}, "country"),
        ({"since": "2026-02-31"}, "since"),
        ({"cursor": "not a cursor!"}, "cursor"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),  # base64 of "not-a-cursor"
        ({"cursor": "MjAyNi0wMS0wMXwx"}, "cursor"),  # "2026-01-01|1": no time zone
        ({"order": "title"}, "order"),
    ):
        resp = client.get(LIST, query_string=params, headers=translator)
        assert resp.status_code == 422, (params, resp.status_code)
        assert field in resp.json["fields"], (params, resp.json)


def test_openapi_documents_the_list_and_the_glossary_files(client):
    doc = client.get("/api/v1/openapi.json").json
    listing = doc["paths"]["/api/v1/summaries"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"cursor", "limit", "state", "country"}
    schema = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/SummaryListOut")
    for path, media in (("/api/v1/glossary.csv", "text/csv"), ("/api/v1/glossary.tbx", "tbx")):
        download = doc["paths"][path]["get"]["responses"]["200"]["content"]
        assert any(media in kind for kind in download)
        upload = doc["paths"][path]["post"]
        assert any(media in kind for kind in upload["requestBody"]["content"])
        counts = upload["responses"]["200"]["content"]["application/json"]["schema"]
        assert counts["$ref"].endswith("/ImportCounts")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/glossary.tbx" in page.get_data(as_text=True)
