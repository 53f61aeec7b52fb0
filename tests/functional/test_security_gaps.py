"""Measures of the security issue that no other test pinned down: production defaults, a session
key planted before sign-in, a body refused unread, the photo count cap, a model that fails to load.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user, staff_headers, summary_payload
from tests.functional.test_sessions_and_login import sign_in
from tests.unit.photos.images import image_bytes
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_worker
from webapp.mt.packages import install_package
from webapp.translation.models import Translation

FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture
def production(make_app):
    """The production settings, as KAKEHASHI_ENV=production gives them (with a real secret)."""
    return make_app(ENV_NAME="production", SECRET_KEY="k" * 32)


def test_production_sends_secure_cookies_and_hsts_by_default(production):
    assert production.config["SESSION_COOKIE_SECURE"] and production.config["HSTS"]
    client = production.test_client()
    email = make_user(production, "liaison")
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    resp = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # Flask-WTF checks it over HTTPS
    )
    assert resp.status_code == 302
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "max-age=31536000" in resp.headers["Strict-Transport-Security"]


def test_a_session_key_planted_before_sign_in_is_replaced(app, client):
    """Session fixation: whatever key a browser carried before sign-in, it leaves with a new one
    that the attacker who planted the old one does not know."""
    email = make_user(app, "liaison")
    client.get("/login")
    with client.session_transaction() as sess:
        sess["sid"] = "known-to-the-attacker"
    assert sign_in(client, email).status_code == 302
    with client.session_transaction() as sess:
        assert sess["sid"] != "known-to-the-attacker"
    attacker = app.test_client()
    with attacker.session_transaction() as sess:
        sess["sid"] = "known-to-the-attacker"
        sess["_user_id"] = "1"
    assert attacker.get("/manage/").status_code == 302


class Unread(io.RawIOBase):
    """A request body that counts what the app reads of it (and never ends)."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:  # the test client rewinds it once
        return 0

    def tell(self) -> int:
        return 0

    def readinto(self, buffer) -> int:
        self.taken += len(buffer)
        buffer[:] = b" " * len(buffer)
        return len(buffer)


def test_a_50_mb_json_body_is_refused_before_any_of_it_is_read(app, client):
    body = Unread()
    resp = client.post(
        "/api/v1/summaries",
        input_stream=body,
        headers={**staff_headers(app, "liaison"), "Content-Type": "application/json"},
        environ_overrides={"CONTENT_LENGTH": str(FIFTY_MB)},
    )
    assert resp.status_code == 413
    assert resp.json["error"]
    assert body.taken == 0


def test_a_50_mb_form_post_is_a_413_page_and_nothing_is_read(app, client):
    sign_in(client, make_user(app, "liaison"))
    token = csrf_token(client.get("/glossary/").get_data(as_text=True))
    body = Unread()
    resp = client.post(
        f"/glossary/import?csrf_token={token}",
        input_stream=body,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        environ_overrides={"CONTENT_LENGTH": str(FIFTY_MB)},
    )
    assert resp.status_code == 413
    assert "larger than this site accepts" in resp.get_data(as_text=True)
    assert body.taken == 0


def test_a_summary_holds_a_limited_number_of_photos(make_app, tmp_path, monkeypatch):
    from webapp.summaries import photos

    monkeypatch.setattr(photos, "MAX_PHOTOS", 2)
    app = make_app(PHOTOS_DIR=str(tmp_path / "photos"))
    client = app.test_client()
    headers = staff_headers(app, "liaison")
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=headers).json

    def upload():
        return client.post(
            f"/api/v1/summaries/{created['id']}/photos",
            data={"file": (io.BytesIO(image_bytes("JPEG", (320, 240))), "p.jpg"), "alt": "Two."},
            headers=headers,
            content_type="multipart/form-data",
        )

    assert [upload().status_code for _ in range(2)] == [201, 201]
    files = sorted((tmp_path / "photos").iterdir())
    refused = upload()
    assert refused.status_code == 422
    assert "at most 2 photos" in refused.json["fields"]["file"]
    assert sorted((tmp_path / "photos").iterdir()) == files  # nothing written


def test_a_model_that_fails_to_load_fails_its_job_with_a_readable_reason(
    make_app, tmp_path, argos_archives
):
    """A model changed on disk after its install check is refused by the engine, not run."""
    packages = tmp_path / "models"
    installed = install_package(argos_archives["en", "ja"], packages)
    model_bin = Path(installed.path) / "model" / "model.bin"
    weights = bytearray(model_bin.read_bytes())
    weights[-100] ^= 0xFF  # a weight, not the header: CTranslate2 itself would load it
    model_bin.write_bytes(bytes(weights))
    app = make_app(ARGOS_PACKAGES_DIR=str(packages), JOB_MAX_ATTEMPTS=1)
    client = app.test_client()
    created = client.post(
        "/api/v1/summaries", json=summary_payload(), headers=staff_headers(app, "liaison")
    ).json
    assert run_worker(app, burst=True) == 1
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        tr = db.session.get(Translation, created["translations"]["ja"]["id"])
        assert job.status == JobStatus.DEAD
        assert tr.status == "failed"
        assert "Could not load the machine translation model translate-en_ja 0.1" in tr.error
        assert "model/model.bin changed since it was installed" in tr.error
        assert "\n" not in tr.error and "Traceback" not in tr.error


@pytest.mark.backends("sqlite", "postgresql")
def test_a_topic_address_with_nul_is_a_form_error_not_a_500(app, client, backend):
    """Found by the form fuzz: PostgreSQL refused the NUL in the lookup before validation ran."""
    sign_in(client, make_user(app, "liaison"))
    token = csrf_token(client.get("/manage/topics/").get_data(as_text=True))
    resp = client.post(
        "/manage/topics/",
        data={"slug": "a\x00b", "name_en": "Alliance", "name_ja": "同盟", "csrf_token": token},
    )
    assert resp.status_code == 422
    assert 'class="error"' in resp.get_data(as_text=True) or 'role="alert"' in resp.get_data(
        as_text=True
    )


@pytest.mark.backends("sqlite", "postgresql")
def test_a_desk_search_with_nul_is_a_form_error_not_a_500(app, client, backend):
    """Found by the form fuzz: the desk sent the NUL to PostgreSQL in its LIKE pattern."""
    sign_in(client, make_user(app, "liaison"))
    resp = client.get("/manage/?q=a%00b")
    assert resp.status_code == 422
    assert "control characters" in resp.get_data(as_text=True)
    assert client.get("/manage/?q=ab").status_code == 200
