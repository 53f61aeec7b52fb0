"""The release importer on texts shaped like the seed (including one with missing parts)."""

from __future__ import annotations

from pathlib import Path

from webapp.core.schemas import parse
from webapp.summaries.importer import parse_release, photo_words
from webapp.summaries.schemas import SummaryIn

RELEASES = Path(__file__).resolve().parent.parent / "fixtures" / "releases"
SEED = RELEASES / "seed_000.txt"  # a copy of ../shared/seeds/000_f3be9ecf279208e2.txt


def draft_fields(found: dict) -> dict:
    """The part of the result that the new-summary form takes."""
    keys = ("source_locale", "title", "meeting_date", "location", "lede", "body", "quotes")
    return {k: found[k] for k in keys}


def test_a_release_with_dateline_photo_quotes_and_related_stories():
    found = parse_release((RELEASES / "en_dateline_related.txt").read_text())
    assert found["title"] == "Defense Chiefs Agree to Expand Joint Exercises"
    assert (found["location"], found["meeting_date"]) == ("Tokyo", "2026-03-03")
    assert found["lede"].startswith("The U.S. secretary of war and Japan's defense minister met")
    # The text names them by title and surname; the photo caption names them in full.
    assert found["quotes"] == [
        {
            "speaker": "Shinjirō Koizumi",
            "text": "We will train together more often and in more places than before",
        },
        {
            "speaker": "Pete Hegseth",
            "text": "Deterrence is built in the field, not only at the table",
        },
    ]
    assert found["photos"] == [
        {
            "alt": "Two officials walk past an honor guard in dress uniforms on a parade ground.",
            "title": "Honor Guard",
            "caption": "Secretary of War Pete Hegseth reviews an honor guard with Japan's Defense "
            "Minister Shinjirō Koizumi in Tokyo, March 3, 2026.",
            "credit": "Army Sgt. Jane Example",
            "image_id": "260303-A-XY123-0042",
        }
    ]
    assert found["related"] == [
        "Hegseth Hosts Japanese Counterpart at Pentagon",
        "Allies Review Indo-Pacific Posture",
    ]
    assert "Credit:" not in found["body"] and found["body"].count("\n\n") == 2
    parse(SummaryIn, draft_fields(found))  # a valid create payload as it stands


def test_a_japanese_release():
    found = parse_release((RELEASES / "ja_release.txt").read_text())
    assert found["source_locale"] == "ja"
    assert found["title"] == "日米防衛相会談の概要"
    assert found["meeting_date"] == "2026-01-15"
    assert found["quotes"] == [
        {"speaker": "ヘグセス", "text": "同盟をあらゆる面で強化していく"},
        {"speaker": "小泉", "text": "朝の合同訓練で同盟の絆を実感した"},
    ]
    assert found["photos"][0]["credit"] == "防衛省"
    assert found["photos"][0]["title"] == "国防総省での会談"
    assert found["photos"][0]["alt"] == "両氏が握手する様子。"
    saved = photo_words(found["photos"][0], "ja")  # the title opens the caption, in Japanese style
    assert saved["caption"] == f"国防総省での会談：{found['photos'][0]['caption']}"
    assert photo_words({**found["photos"][0], "caption": ""}, "ja")["caption"] == "国防総省での会談"


def test_a_korean_release_by_the_korean_declaration():
    text = (RELEASES / "ko_release.txt").read_text()
    found = parse_release(text)
    assert found["source_locale"] == "ko"
    assert found["title"] == "미일 국방장관 회담 개요"
    assert found["meeting_date"] == "2026-01-15"
    # Wrapped Korean lines keep the space between their words.
    assert found["lede"].startswith(
        "2026년 1월 15일 고이즈미 방위상은 미 국방부를 방문해 헤그세스 장관과 회담했다."
    )
    assert found["quotes"] == [
        {"speaker": "헤그세스", "text": "동맹을 모든 면에서 강화해 나가겠다"},
        {"speaker": "고이즈미", "text": "아침 합동 훈련에서 동맹의 유대를 실감했다"},
    ]
    assert found["photos"][0]["credit"] == "일본 방위성"
    assert found["photos"][0]["title"] == "국방부 회담"
    assert found["related"] == ["미일 동맹, 인도태평양 태세 점검"]
    assert photo_words(found["photos"][0], "ko")["caption"].startswith("국방부 회담: ")
    # A site that does not publish Korean reads it as the default language, to be corrected.
    assert parse_release(text, locales=("en", "ja"))["source_locale"] == "en"


def test_missing_parts_are_left_empty_and_nothing_is_lost():
    text = (RELEASES / "missing_parts.txt").read_text()
    found = parse_release(text)
    assert found["title"] == "Readout of a Call Between Defense Leaders"
    assert found["meeting_date"] == "" and found["location"] == ""
    assert found["photos"] == [] and found["quotes"] == [] and found["related"] == []
    assert found["unrecognised"] == ["| Item | Status |", "Contact: press office, extension 1234"]
    for line in found["unrecognised"]:
        assert line in found["body"]  # kept for the liaison to decide


def test_the_seed_release():
    found = parse_release(SEED.read_text())
    assert found["title"] == "Hegseth Hosts Japanese Counterpart at Pentagon"
    assert found["meeting_date"] == "2026-01-15"
    assert [p["image_id"] for p in found["photos"]] == [
        "260115-D-PM193-3130",
        "260115-D-PM193-3192",
        "260115-D-PM193-1533",
    ]
    speakers = [q["speaker"] for q in found["quotes"]]
    # "…, adding, "…"" too; named in full as the first sentence names them (issue 21).
    assert speakers == ["Pete Hegseth", "Pete Hegseth", "Pete Hegseth", "Shinjirō Koizumi"]
    assert len(found["skipped"]) == 6 and found["unrecognised"] == []
    assert parse(SummaryIn, draft_fields(found)).title == found["title"]


def test_the_import_page_fills_the_new_summary_form_to_check_and_save(app, client):
    from pathlib import Path

    from tests.conftest import csrf_token
    from tests.factories import make_user
    from tests.functional.test_sessions_and_login import sign_in

    sign_in(client, make_user(app, "liaison"))
    page = client.get("/manage/summaries/import").get_data(as_text=True)
    release = (
        Path(__file__).parent.parent / "fixtures/releases/en_dateline_related.txt"
    ).read_text()
    resp = client.post(
        "/manage/summaries/import", data={"text": release, "csrf_token": csrf_token(page)}
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'action="/manage/summaries/new"' in html
    assert 'name="location" type="text" value="Tokyo"' in html
    assert "Photos waiting for their files" in html and "VIRIN" in html
    assert 'id="quotes-0-text"' in html
    empty = client.post(
        "/manage/summaries/import", data={"text": "", "csrf_token": csrf_token(page)}
    )
    assert empty.status_code == 422


def test_wrapped_japanese_lines_are_joined_without_spaces():
    found = parse_release(
        "防衛大臣が国防総省で\n会談した\n\n"
        "小泉防衛大臣は2026年1月15日、国防総省を訪れ、ヘグセス長官と\n会談した。両氏は同盟の強さを評価した。"
    )
    assert found["title"] == "防衛大臣が国防総省で会談した"
    assert "長官と会談した。" in found["lede"]


def test_a_byline_is_set_aside_and_a_dateline_on_its_own_line_gives_the_place():
    """Found by trying the importer as a liaison would: the byline became the lede, a dateline
    with a country on its own line was missed, and three common quote forms were not read."""
    found = parse_release((RELEASES / "en_byline_dateline.txt").read_text())
    assert found["title"] == "Australia and Japan Deepen Defense Ties"
    assert (found["location"], found["meeting_date"]) == ("Canberra, Australia", "2026-03-10")
    assert found["lede"].startswith("The defense ministers of Australia and Japan met")
    assert "March 10, 2026 | By Sam Writer, DOD News" in found["skipped"]
    assert "By Sam Writer" not in found["body"] and "CANBERRA" not in found["body"]
    assert found["quotes"] == [
        {
            "speaker": "Marles",
            "text": "Our forces will exercise together in the north every year from now on",
        },
        {
            "speaker": "Koizumi",
            "text": "Japan values this partnership as one of its closest in the Indo-Pacific.",
        },
        {
            "speaker": "",
            "text": "We will keep the sea lanes open for everyone who depends on them.",
        },
    ]
    parse(SummaryIn, draft_fields(found))


def test_related_stories_already_here_are_linked_and_kept_on_save(app, client):
    """The release lists related stories by title: one of them is a summary here (its title in
    another case), so the form links it and saving keeps it; the other is marked as not here."""
    from tests.conftest import csrf_token
    from tests.factories import make_user, staff_headers, summary_payload
    from tests.functional.test_photo_slots import form_values, summary_id_of
    from tests.functional.test_sessions_and_login import sign_in

    existing = client.post(
        "/api/v1/summaries",
        json=summary_payload(title="Hegseth hosts Japanese counterpart at Pentagon"),
        headers=staff_headers(app, "liaison", email="other-desk@example.org"),
    ).json
    sign_in(client, make_user(app, "liaison"))
    page = client.get("/manage/summaries/import").get_data(as_text=True)
    release = (RELEASES / "en_dateline_related.txt").read_text()
    resp = client.post(
        "/manage/summaries/import", data={"text": release, "csrf_token": csrf_token(page)}
    )
    html = resp.get_data(as_text=True)
    report = html.split('class="import-related"', 1)[1].split("</ul>", 1)[0]
    assert 'Hegseth Hosts Japanese Counterpart at Pentagon · <span class="ok">linked' in report
    assert 'Allies Review Indo-Pacific Posture · <span class="hint">no summary' in report
    values = form_values(html, "/manage/summaries/new")
    assert [v.strip() for v in values["related"]] == [existing["slug"]]
    saved = client.post("/manage/summaries/new", data=values)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    summary_id = summary_id_of(saved)
    body = client.get(f"/api/v1/summaries/{summary_id}", headers=staff_headers(app, "admin"))
    assert body.json["related"] == [existing["id"]]
