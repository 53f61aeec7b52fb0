"""Issue 18's walk-through: a liaison in Washington and a translator in Tokyo, two browsers in two
time zones, one summary released in both languages at an agreed minute.

The liaison imports the seed release, assigns Japanese to the translator "needed by 08:30 JST" and
schedules a joint release at 09:00 JST; the translator asks about "Secretary of War" beside its
sentence, the liaison answers, the translator approves. The translator is told once, in Japanese;
a webhook receiver hears each event once, signed. The clock is driven (the release is run for
08:59 and for 09:00, the mail's gathering minute is moved), never waited for.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import approve_segments, bearer, make_user, staff_headers
from tests.functional.test_notifications import smtp, text_of, time_passes  # noqa: F401
from tests.functional.test_webhooks import receiver  # noqa: F401
from tests.unit.photos.images import image_bytes
from webapp.accounts import services as users
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.publishing import schedules

pytestmark = pytest.mark.browser

# ../shared/seeds/000_f3be9ecf279208e2.txt, the release the project started from (a copy).
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "releases" / "seed_000.txt"
# 2030-01-16 09:00 in Tokyo is 00:00 UTC; 08:30 JST is 23:30 UTC the day before (18:30 EST).
RELEASE = datetime(2030, 1, 16, 0, 0, tzinfo=UTC)
NEEDED_BY = datetime(2030, 1, 15, 23, 30, tzinfo=UTC)
WATCHED = (
    "translation.assigned",
    "question.asked",
    "question.answered",
    "question.resolved",
    "translation.approved",
    "summary.published",
)
LIAISON = "liaison-washington@example.org"
TRANSLATOR = "translator-tokyo@example.org"


@pytest.fixture
def app(make_app, smtp):  # noqa: F811 - the SMTP server the notification tests start
    return make_app(MAIL_URL=f"smtp://127.0.0.1:{smtp.port}", BASE_URL="https://desk.example.org")


def release_at(app, now: datetime) -> list[schedules.Released]:
    """What the release job does when the worker's clock says `now`."""
    with app.app_context():
        done = schedules.release_due(db.session, now)
        db.session.commit()
        return done


def test_washington_and_tokyo_release_one_summary_together(
    app,
    live_server,
    new_page,
    smtp,  # noqa: F811
    receiver,  # noqa: F811
):
    client = app.test_client()
    # The office's chat tool hears every event of the desk, signed.
    admin = staff_headers(app, "admin", email="admin@example.org")
    hook = client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url(), "events": list(WATCHED)},
        headers=admin,
    ).json
    make_user(app, "liaison", email=LIAISON)
    make_user(app, "translator", ["ja"], email=TRANSLATOR)
    with app.app_context():  # the translator reads the desk in Japanese
        users.find_user(db.session, TRANSLATOR).ui_locale = "ja"
        db.session.commit()
    washington = new_page(timezone_id="America/New_York")
    tokyo = new_page(timezone_id="Asia/Tokyo", locale="ja-JP")
    sign_in(washington, live_server, LIAISON)
    sign_in(tokyo, live_server, TRANSLATOR)

    # Washington: the seed release, read and saved as a summary.
    washington.goto(f"{live_server}/manage/summaries/import")
    washington.locator("main textarea").first.fill(SEED.read_text(encoding="utf-8"))
    washington.locator("main form button[type=submit]").first.click()
    washington.wait_for_load_state()
    expect(washington.locator("#title")).to_have_value(
        "Hegseth Hosts Japanese Counterpart at Pentagon"
    )
    washington.locator("#save").click()
    washington.wait_for_load_state()
    summary_id = int(re.search(r"/manage/summaries/(\d+)", washington.url)[1])
    run_worker(app, burst=True)  # the Japanese machine draft

    # Washington: Japanese to the Tokyo translator, needed by 08:30 Tokyo time.
    washington.reload()
    box = washington.locator("#assign-ja")
    box.locator("summary").click()
    box.locator("select[name='assign-ja-assignee']").select_option(label=TRANSLATOR)
    box.locator("input[name='assign-ja-date']").fill("2030-01-16")
    box.locator("input[name='assign-ja-time']").fill("08:30")
    box.locator("select[name='assign-ja-time_zone']").select_option("Asia/Tokyo")
    box.locator("button[type=submit]").click()
    washington.wait_for_load_state()
    expect(washington.locator("#assign-ja [data-assignee]")).to_have_text(TRANSLATOR)
    # The liaison reads the deadline in Washington's time: 6:30 PM EST the day before.
    expect(washington.locator("#assign-ja [data-needed-by]")).to_contain_text("6:30")
    expect(washington.locator("#assign-ja [data-needed-by]")).to_contain_text("EST")

    # Washington: a joint release at 09:00 Tokyo time, holding both if Japanese is late.
    schedule = washington.locator("#schedule")
    schedule.locator("summary").first.click()
    for box in schedule.locator("input[name=locales]").all():
        box.check()
    schedule.locator("input[name=date]").fill("2030-01-16")
    schedule.locator("input[name=time]").fill("09:00")
    schedule.locator("select[name=time_zone]").select_option("Asia/Tokyo")
    schedule.locator("input[name=policy][value=hold]").check()
    schedule.locator("form button[type=submit]").first.click()
    washington.wait_for_load_state()
    expect(washington.locator("#schedule .notice")).to_contain_text("JST")

    # Tokyo is told once, in Japanese, with a link straight to the work (the draft waiting and
    # the assignment, gathered into one mail).
    time_passes(app)
    run_worker(app, burst=True)
    (mail,) = smtp.received.to(TRANSLATOR)
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", str(mail["Subject"]))
    assert "/review/translations/" in text_of(mail) and "JST" in text_of(mail)

    # Washington: the release's three photos wait for their files; the liaison uploads them.
    liaison_api = bearer(app, LIAISON)
    photos = client.get(f"/api/v1/summaries/{summary_id}", headers=liaison_api).json["photos"]
    assert len(photos) == 3
    for photo in photos:
        resp = client.put(
            f"/api/v1/summaries/{summary_id}/photos/{photo['id']}/file",
            data={"file": (io.BytesIO(image_bytes()), "photo.jpg")},
            headers=liaison_api,
            content_type="multipart/form-data",
        )
        assert resp.status_code == 200, resp.json

    # Tokyo: the translation is theirs; a question beside the "Secretary of War" sentence.
    tr_id = client.get(f"/api/v1/summaries/{summary_id}", headers=liaison_api).json["translations"][
        "ja"
    ]["id"]
    tokyo.goto(f"{live_server}/manage/work")
    expect(tokyo.locator(f"a[href$='/review/translations/{tr_id}']").first).to_be_visible()
    tokyo.goto(f"{live_server}/review/translations/{tr_id}")
    segment = tokyo.locator("form.segment", has_text="Secretary of War").first
    segment_id = segment.get_attribute("data-segment")
    block = tokyo.locator(f"#questions-{segment_id}")
    block.locator("summary").click()
    block.locator("textarea").fill(
        "「Secretary of War」は今の正式な肩書きですか。訳は「戦争長官」でよいですか。"
    )
    block.locator("input[name=mention]").fill(LIAISON)
    block.locator("button[type=submit]").click()
    tokyo.wait_for_load_state()
    expect(tokyo.locator(f"#questions-{segment_id} article.question")).to_have_count(1)

    # Washington: the question is on the summary page; the liaison answers and resolves it.
    washington.goto(f"{live_server}/manage/summaries/{summary_id}")
    asked = washington.locator("#questions li[data-question] a").first
    expect(asked).to_contain_text("Secretary of War")
    asked.click()
    washington.wait_for_load_state()
    thread = washington.locator("article.question").first
    thread.locator("textarea").fill("Yes: the title changed in September 2025. Use 戦争長官.")
    thread.locator("button", has_text="Post answer").click()
    washington.wait_for_load_state()
    washington.locator("article.question button", has_text="Mark as resolved").first.click()
    washington.wait_for_load_state()

    # Tokyo: the answer is beside the sentence; the translator approves the translation.
    tokyo.reload()
    expect(tokyo.locator(f"#questions-{segment_id} .answer-body")).to_contain_text("戦争長官")
    translator_api = bearer(app, TRANSLATOR)
    # The rest of the segments through the API (the review page's own approvals are
    # covered by tests/e2e/test_review_workspace.py); the whole translation in the browser.
    approve_segments(client, translator_api, tr_id, whole=False)
    tokyo.reload()
    tokyo.locator("[data-all-approved] button").click()
    tokyo.wait_for_load_state()

    # 08:59 JST: nothing is public. 09:00 JST: both languages are, once.
    slug = client.get(f"/api/v1/summaries/{summary_id}", headers=liaison_api).json["slug"]
    reader = app.test_client()
    assert release_at(app, datetime(2030, 1, 15, 23, 59, tzinfo=UTC)) == []
    for locale in ("en", "ja"):
        assert reader.get(f"/{locale}/summaries/{slug}").status_code == 404
    released = release_at(app, RELEASE)
    assert [sorted(r.published) for r in released] == [["en", "ja"]], released
    for locale in ("en", "ja"):
        assert reader.get(f"/{locale}/summaries/{slug}").status_code == 200
    assert release_at(app, RELEASE) == []

    # The chat tool got each event once, signed with the webhook's secret.
    run_worker(app, burst=True)
    heard = [r.json["event"] for r in receiver.requests]
    assert sorted(heard) == sorted([*WATCHED, "summary.published"])  # one per language
    assert all(r.signed_with(hook["secret"]) for r in receiver.requests)
    ids = [r.headers["Kakehashi-Delivery"] for r in receiver.requests]
    assert len(ids) == len(set(ids))
    published = [
        r.json["data"]["locale"]
        for r in receiver.requests
        if r.json["event"] == "summary.published"
    ]
    assert sorted(published) == ["en", "ja"]
