"""A third language is configuration plus a UI catalog: Korean beside English and Japanese.

The whole life of a summary with LOCALES=en,ja,ko, on each database and with tiny real Argos
packages (en->ja, en->ko, ja->en): a liaison writes in English through the API, the worker drafts
Japanese and Korean, a Korean translator reviews (the staff pages fall back to English, as no
Korean catalog ships), the liaison publishes all three, and a reader reads, switches, searches,
follows the feed and the sitemap in Korean. The demo loads too.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import PASSWORD, REASON, bearer, make_user, staff_headers, summary_payload
from tests.functional.test_api_workflow import approve_everything
from tests.functional.test_sessions_and_login import sign_in

pytestmark = pytest.mark.backends("sqlite", "postgresql")

THREE = "en,ja,ko"
PAIRS = (("en", "ja"), ("en", "ko"), ("ja", "en"))  # ja->en: the demo's Japanese summary pivots

# What a Korean translator makes of summary_payload(), segment by segment.
KOREAN = {
    "title": "헤그세스 장관, 국방부에서 고이즈미 방위상과 회담",
    "location": "미 국방부",
    "body.0.0": "피트 헤그세스 전쟁부 장관은 2026년 1월 15일 일본 방위상을 국방부에 맞이했다.",
    "body.0.1": "두 사람은 미일 동맹을 높이 평가했다.",
    "body.1.0": "헤그세스 장관은 양국이 모든 면에서 동맹을 계속 강화해 나갈 것이라고 말했다.",
    "body.1.1": "고이즈미 방위상은 아침 합동 운동을 동맹의 상징이라고 불렀다.",
    "quote.0.text": "미국 우선주의가 미국 단독을 뜻하지는 않는다.",
    "quote.0.speaker": "피트 헤그세스",
    "participant.0.name": "피트 헤그세스",
    "participant.0.role": "전쟁부 장관",
    "participant.1.name": "고이즈미 신지로",
    "participant.1.role": "방위상",
}


@pytest.fixture
def app(make_app, argos_packages_for):
    """The app with three languages and the tiny models they need."""
    return make_app(LOCALES=THREE, ARGOS_PACKAGES_DIR=str(argos_packages_for(*PAIRS)))


def test_a_summary_lives_its_whole_life_in_korean_beside_english_and_japanese(app, runner):
    client = app.test_client()
    liaison = staff_headers(app, "liaison")

    # A liaison writes in English: one translation waits per other configured language.
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison)
    assert created.status_code == 201, created.json
    summary = created.json
    assert {loc: t["status"] for loc, t in summary["translations"].items()} == {
        "ja": "queued",
        "ko": "queued",
    }

    # The worker drafts both with the installed models.
    out = runner.invoke(args=["worker", "--burst"])
    assert out.exit_code == 0, out.output
    assert "Handled 2 job(s)." in out.output

    # A translator who works into Korean finds it in the queue, and only it.
    korean_translator = make_user(app, "translator", ["ko"])
    translator = bearer(app, korean_translator)
    queue = client.get("/api/v1/review-queue?locale=ko", headers=translator).json
    ko_id = summary["translations"]["ko"]["id"]
    assert [t["id"] for t in queue["translations"]] == [ko_id]
    ja_id = summary["translations"]["ja"]["id"]
    ja_segment = client.get(f"/api/v1/translations/{ja_id}", headers=translator).json["segments"][0]
    refused = client.put(
        f"/api/v1/translations/{ja_id}/segments/{ja_segment['id']}",
        json={"text": "x", "approve": True, "version": ja_segment["version"]},
        headers=translator,
    )
    assert refused.status_code == 403  # a Korean translator does not approve Japanese
    draft = client.get(f"/api/v1/translations/{ko_id}", headers=translator).json
    assert draft["status"] == "in_review"
    assert {s["origin"] for s in draft["segments"]} == {"mt"}
    assert all(s["text"] and s["model_version"] for s in draft["segments"])
    assert {s["key"] for s in draft["segments"]} == set(KOREAN)
    # Korean declares no number reading and no Japanese typography: those checks do not run.
    codes = {f["code"] for s in draft["segments"] for f in s["qa"]}
    assert not codes & {"numbers", "dates", "ja_punctuation", "ja_width", "ja_style"}

    # The staff pages offer Korean and, with no Korean catalog, speak English.
    sign_in(client, korean_translator, PASSWORD)
    account = client.get("/account").get_data(as_text=True)
    assert '<option value="ko">한국어</option>' in account
    chosen = client.post(
        "/account/language", data={"ui_locale": "ko", "csrf_token": csrf_token(account)}
    )
    assert chosen.status_code == 302
    page = client.get(f"/review/translations/{ko_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Approve" in html  # English interface text, not a crash or a blank
    queue_page = client.get("/review/").get_data(as_text=True)
    assert '<html lang="en">' in queue_page and ">Korean</option>" in queue_page

    # The translator writes Korean over the machine drafts and approves.
    for seg in draft["segments"]:
        saved = client.put(
            f"/api/v1/translations/{ko_id}/segments/{seg['id']}",
            json={
                "text": KOREAN[seg["key"]],
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=translator,
        )
        assert saved.status_code == 200, saved.json
        assert saved.json["status"] == "approved"
    assert (
        client.post(f"/api/v1/translations/{ko_id}/approve", headers=translator).status_code == 200
    )
    japanese = staff_headers(app, "translator", ["ja"])
    assert approve_everything(client, japanese, ja_id).status_code == 200

    # The liaison publishes the three languages at once.
    published = client.post(
        f"/api/v1/summaries/{summary['id']}/publish",
        json={"locales": ["en", "ja", "ko"]},
        headers=liaison,
    )
    assert published.status_code == 200, published.json
    assert published.json["published_locales"] == ["en", "ja", "ko"]
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/account").text)})

    # A reader reads it in Korean: Korean text and dates, sentences joined with spaces.
    reader = app.test_client()
    slug = summary["slug"]
    page = reader.get(f"/ko/summaries/{slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert KOREAN["title"] in html
    assert f"{KOREAN['body.0.0']} {KOREAN['body.0.1']}" in html
    assert "2026년 1월 15일" in html
    assert '<meta property="og:locale" content="ko_KR">' in html
    # ... whose interface falls back to English, marked as such.
    assert "Participants" in html
    home = reader.get("/ko/").get_data(as_text=True)
    assert "United States and Japan, in English, Japanese, and Korean." in home
    assert '<footer class="site-footer" lang="en">' in html

    # The switcher keeps the reader on the same summary in the other two languages.
    switcher = re.search(r'<nav class="lang-switcher".*?</nav>', html, re.S)
    assert switcher is not None
    assert (
        f'href="/choose/en?next=/en/summaries/{slug}" hreflang="en" lang="en">English</a>'
        in switcher[0]
    )
    assert (
        f'href="/choose/ja?next=/ja/summaries/{slug}" hreflang="ja" lang="ja">日本語</a>'
        in switcher[0]
    )
    assert '<span aria-current="true" lang="ko">한국어</span>' in switcher[0]
    assert summary["title"] in reader.get(f"/en/summaries/{slug}").get_data(as_text=True)
    # A Korean browser arriving at / is sent to the Korean pages.
    root = app.test_client().get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert root.status_code in (302, 303) and root.headers["Location"].endswith("/ko/")

    # Search in Korean finds it, and only in Korean.
    found = reader.get("/ko/search?q=회담").get_data(as_text=True)
    assert "헤그세스 장관, 국방부에서 고이즈미 방위상과 <mark>회담</mark>" in found
    assert f"/ko/summaries/{slug}" in reader.get("/ko/search?q=미일 동맹").get_data(as_text=True)
    assert f"/ja/summaries/{slug}" not in reader.get("/ja/search?q=회담").get_data(as_text=True)

    # The Korean feed and the sitemap list it.
    feed = reader.get("/ko/feed.atom")
    assert feed.status_code == 200 and feed.content_type.startswith("application/atom+xml")
    assert KOREAN["title"] in feed.get_data(as_text=True)
    index = reader.get("/sitemap.xml").get_data(as_text=True)
    assert "/sitemap-1.xml" in index
    sitemap = reader.get("/sitemap-1.xml").get_data(as_text=True)
    for loc in ("en", "ja", "ko"):
        assert f"/{loc}/summaries/{slug}</loc>" in sitemap
    assert 'hreflang="ko"' in sitemap


def test_the_demo_loads_with_korean_configured_and_korean_drafts_follow(app, runner):
    out = runner.invoke(args=["demo", "load"])
    assert out.exit_code == 0, out.output
    assert "translator@example.org" in out.output and "into ja, en, ko" in out.output
    client = app.test_client()
    assert "ヘグセス戦争長官、小泉防衛大臣を国防総省に迎える" in client.get("/ja/").text
    korean_home = client.get("/ko/")
    assert korean_home.status_code == 200
    assert "Nothing has been published in this language yet." in korean_home.text

    admin = staff_headers(app, "admin")
    names = {
        t["slug"]: t["names"] for t in client.get("/api/v1/topics", headers=admin).json["topics"]
    }
    assert names["alliance"] == {"en": "U.S.-Japan alliance", "ja": "日米同盟", "ko": "미일 동맹"}

    # Every demo summary waits for Korean; the worker drafts them all, the Japanese one through
    # English (ja->en->ko), and the demo translator may review them.
    out = runner.invoke(args=["worker", "--burst"])
    assert out.exit_code == 0, out.output
    translator = runner.invoke(args=["users", "token", "translator@example.org"]).output.strip()
    queue = client.get(
        "/api/v1/review-queue?locale=ko", headers={"Authorization": f"Bearer {translator}"}
    ).json["translations"]
    assert len(queue) == 3 and {t["status"] for t in queue} == {"in_review"}


def test_a_locale_outside_the_configuration_is_a_field_error(app, make_app):
    liaison = staff_headers(app, "liaison")
    client = app.test_client()
    french = client.post(
        "/api/v1/summaries", json=summary_payload(source_locale="fr"), headers=liaison
    )
    assert french.status_code == 422
    assert french.json["fields"] == {"source_locale": "Choose one of: en, ja, ko."}

    two = make_app(LOCALES="en,ja")
    liaison = staff_headers(two, "liaison", email="liaison-two@example.org")
    korean = two.test_client().post(
        "/api/v1/summaries", json=summary_payload(source_locale="ko"), headers=liaison
    )
    assert korean.status_code == 422
    assert korean.json["fields"] == {"source_locale": "Choose one of: en, ja."}
    assert two.test_client().get("/ko/").status_code == 404
