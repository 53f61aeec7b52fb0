"""The importer reads who met, where and which countries, suggests topics, and says how sure it
is (issue 21, item 1): the seed release, a Japanese ministry readout, an embassy note, a
defense.gov release with a byline under its headline and a "Photo By:" line, and "lol"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers
from tests.functional.test_photo_slots import form_values, summary_id_of
from tests.functional.test_sessions_and_login import sign_in
from webapp.summaries.importer import parse_release

RELEASES = Path(__file__).resolve().parent.parent / "fixtures" / "releases"
TOPICS = [
    ("alliance", ["U.S.-Japan alliance", "日米同盟"]),
    ("defense-industry", ["Defense industry", "防衛産業"]),
    ("maritime-security", ["Maritime security", "海洋安全保障"]),
]


def people(found: dict) -> list[tuple[str, str, str]]:
    return [(p["name"], p["role"], p["country"]) for p in found["participants"]]


def test_the_seed_release_gives_people_place_countries_and_full_speakers():
    found = parse_release((RELEASES / "seed_000.txt").read_text(), topics=TOPICS)
    assert people(found) == [
        ("Pete Hegseth", "Secretary of War", "US"),
        ("Shinjirō Koizumi", "Minister of Defense", "JP"),
    ]
    # Hegseth's country comes from his title only; Koizumi's is written ("Japan's").
    assert [p["country_found"] for p in found["participants"]] == ["title", "named"]
    assert [p["found"] for p in found["participants"]] == ["first", "first"]
    assert (found["location"], found["location_found"]) == ("The Pentagon, Washington", "first")
    assert [c["code"] for c in found["countries"]] == ["US", "JP"]
    assert {q["speaker"] for q in found["quotes"]} == {"Pete Hegseth", "Shinjirō Koizumi"}
    assert found["topics"] == [{"slug": "alliance", "found": "name", "word": "U.S.-Japan alliance"}]
    assert found["missing"] == [] and not found["no_structure"]


def test_a_japanese_ministry_readout_with_numbered_headings():
    found = parse_release((RELEASES / "ja_mod_readout.txt").read_text(), topics=TOPICS)
    assert found["source_locale"] == "ja"
    assert found["title"] == "日米防衛相会談について"
    assert found["meeting_date"] == "2026-01-15"  # 令和８年１月１５日
    assert (found["location"], found["location_found"]) == (
        "米国防省（ワシントンＤ．Ｃ．）",
        "labelled",
    )
    assert people(found) == [("小泉", "防衛大臣", "JP"), ("ヘグセス", "戦争長官", "US")]
    assert found["lede"].startswith("小泉防衛大臣は、訪問中のワシントンにおいて")
    assert "両大臣は、自衛隊と米軍の共同訓練を拡充" in found["body"]
    assert "令和８年１月１５日" not in found["lede"]
    assert [t["slug"] for t in found["topics"]] == ["alliance"]


def test_an_embassy_note_names_the_ambassador_in_full_in_the_quote():
    found = parse_release((RELEASES / "en_embassy_note.txt").read_text(), topics=TOPICS)
    assert people(found) == [
        ("George Glass", "Ambassador", "US"),
        ("Shinjirō Koizumi", "Minister of Defense", "JP"),
    ]
    assert found["quotes"][0]["speaker"] == "George Glass"  # written "Ambassador Glass said"
    assert (found["location"], found["location_found"]) == ("Tokyo", "dateline")
    assert [t["slug"] for t in found["topics"]] == ["alliance", "defense-industry"]
    assert found["photos"][0]["credit"] == "U.S. Embassy Tokyo"


def test_a_photo_by_line_is_the_credit_and_a_byline_under_the_headline_is_not_the_title():
    found = parse_release((RELEASES / "en_photo_by_byline.txt").read_text(), topics=TOPICS)
    assert found["title"] == "Deputy Secretary Hosts Philippine Defense Chief"
    assert "Jan. 22, 2026 | By Jim Example, DOD News" in found["skipped"]
    assert found["meeting_date"] == "2026-01-22"
    [photo] = found["photos"]
    assert photo["credit"] == "Air Force Staff Sgt. John Example"
    assert photo["caption"].startswith("Deputy Secretary of War Steve Feinberg greets")
    assert photo["alt"].startswith("Two men in business suits shake hands")
    assert photo["image_id"] == "260122-D-AB123-1001"
    assert people(found) == [
        ("Steve Feinberg", "Deputy Secretary of War", "US"),
        ("Gilberto Teodoro", "Secretary of National Defense", "PH"),
    ]
    assert [q["speaker"] for q in found["quotes"]] == ["Steve Feinberg", "Gilberto Teodoro"]
    assert [c["code"] for c in found["countries"]] == ["US", "PH"]


def test_text_without_structure_is_kept_in_the_body_and_what_is_missing_is_said():
    found = parse_release("lol")
    assert (found["title"], found["body"], found["no_structure"]) == ("", "lol", True)
    assert found["missing"] == [
        "title",
        "meeting_date",
        "location",
        "countries",
        "participants",
        "lede",
    ]


def _import(app, client, text: str, **headers: str) -> str:
    sign_in(client, make_user(app, "liaison"))
    page = client.get("/manage/summaries/import").get_data(as_text=True)
    resp = client.post(
        "/manage/summaries/import",
        data={"text": text, "csrf_token": csrf_token(page)},
        headers=headers,
    )
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.mark.backends("sqlite", "postgresql")
def test_the_import_page_fills_people_countries_and_topics_and_says_how_sure(app, client):
    admin = staff_headers(app, "admin")
    topic = {"slug": "alliance", "names": {"en": "U.S.-Japan alliance", "ja": "日米同盟"}}
    assert client.post("/api/v1/topics", json=topic, headers=admin).status_code == 201
    html = _import(app, client, (RELEASES / "seed_000.txt").read_text())
    values = form_values(html, "/manage/summaries/new")
    assert values["participants-0-name"] == ["Pete Hegseth"]
    assert values["participants-0-role"] == ["Secretary of War"]
    assert values["participants-0-country"] == ["US"]
    assert values["participants-1-name"] == ["Shinjirō Koizumi"]
    assert values["participants-1-country"] == ["JP"]
    assert sorted(values["countries"]) == ["JP", "US"]
    assert values["topics"] == ["alliance"]
    assert values["location"] == ["The Pentagon, Washington"]
    assert values["quotes-0-speaker"] == ["Pete Hegseth"]
    report = html.split('class="import-recognised"', 1)[1].split("</ul>", 1)[0]
    assert "Pete Hegseth, Secretary of War, United States" in report
    assert "country guessed from the title" in report
    assert "country named with the title" in report
    assert "named in the first paragraph" in report
    assert "its name “U.S.-Japan alliance” is in the text" in report
    assert "Not found in the release" not in html
    saved = client.post("/manage/summaries/new", data=values)
    body = client.get(f"/api/v1/summaries/{summary_id_of(saved)}", headers=admin).json
    assert body["participants"] == [
        {"name": "Pete Hegseth", "role": "Secretary of War", "country": "US"},
        {"name": "Shinjirō Koizumi", "role": "Minister of Defense", "country": "JP"},
    ]
    assert sorted(body["countries"]) == ["JP", "US"] and body["topics"] == ["alliance"]


def test_importing_lol_says_what_is_missing_and_leaves_the_title_empty(app, client):
    html = _import(app, client, "lol")
    values = form_values(html, "/manage/summaries/new")
    assert values["title"] == [""]
    assert values["body"][0].strip() == "lol"
    assert "No release was recognised" in html
    assert (
        "Not found in the release: title, meeting date, place, countries, participants, "
        "and lede." in html
    )


def test_the_report_is_in_japanese_for_a_japanese_interface(app, client):
    html = _import(
        app, client, (RELEASES / "ja_mod_readout.txt").read_text(), **{"Accept-Language": "ja"}
    )
    report = html.split('class="import-recognised"', 1)[1].split("</ul>", 1)[0]
    assert "「場所」の見出しから" in report
    assert "出席者の見出しに記載" in report
    values = form_values(html, "/manage/summaries/new")
    assert values["participants-0-name"] == ["小泉"]
    assert values["meeting_date"] == ["2026-01-15"]


def test_two_titles_joined_by_and_and_a_country_between_name_and_title():
    """Found by the held-out shapes of bench/importer_fields.py: the country before two titles
    was lost, 豪州 was read as a name, and 茂木 / 茂木敏充 were two people."""
    readout = parse_release((RELEASES / "en_readout_heldout.txt").read_text())
    assert people(readout) == [
        ("Pete Hegseth", "Secretary of War", "US"),
        ("Richard Marles", "Minister of Defense", "AU"),
    ]
    mofa = parse_release((RELEASES / "ja_mofa_heldout.txt").read_text())
    assert people(mofa) == [("茂木敏充", "外務大臣", "JP"), ("ペニー・ウォン", "外務大臣", "AU")]
    assert mofa["meeting_date"] == "2026-02-03"
    assert [c["code"] for c in mofa["countries"]] == ["JP", "AU"]
