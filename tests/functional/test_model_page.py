"""The model page (/admin/models/): packages per pair, install from an upload through the
verified path, one-action rollback, audited, announced, and closed to everyone but admins."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.argos_builder import build_tiny_package, rewrite_package
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user, staff_headers, summary_payload
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.mt.engines import engine_for
from webapp.mt.packages import HELD_DIR as HELD
from webapp.mt.packages import install_package

pytestmark = pytest.mark.backends("sqlite", "postgresql")

ADMIN = "admin@example.org"


@pytest.fixture
def page_app(make_app, tmp_path):
    """An app with an empty models folder; uploads may be 2 MB (the tiny packages are 1.3)."""
    return make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "models"), MT_PACKAGE_MAX_MB=2)


def _sign_in(app, email: str):
    client = app.test_client()
    login = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token(login.get_data(as_text=True)),
        },
    )
    assert resp.status_code == 302
    return client


@pytest.fixture
def admin(page_app):
    make_user(page_app, "admin", email=ADMIN)
    return _sign_in(page_app, ADMIN)


def _post_file(client, data: bytes, name: str, token: str | None = None):
    """POST a multipart upload encoded here, in memory: the test client would spool a body over
    500 kB to a temporary file that it never closes."""
    token = token or csrf_token(client.get("/admin/models/").get_data(as_text=True))
    file = FileStorage(io.BytesIO(data), name)
    boundary, body = encode_multipart({"csrf_token": token, "file": file})
    return client.post(
        "/admin/models/", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _upload(client, archive: Path | bytes, name: str = "package.argosmodel"):
    return _post_file(client, archive.read_bytes() if isinstance(archive, Path) else archive, name)


def _rollback(client, pair: str = "en/ja"):
    token = csrf_token(client.get("/admin/models/").get_data(as_text=True))
    return client.post(f"/admin/models/{pair}/rollback", data={"csrf_token": token})


def _audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


def _versions(app) -> list[str]:
    models = Path(app.config["ARGOS_PACKAGES_DIR"])
    return sorted(p.name for p in models.iterdir() if p.name != HELD) if models.exists() else []


def _held(app) -> list[str]:
    held = Path(app.config["ARGOS_PACKAGES_DIR"]) / HELD
    return sorted(p.name for p in held.iterdir()) if held.exists() else []


def _rollforward(client, pair: str = "en/ja"):
    token = csrf_token(client.get("/admin/models/").get_data(as_text=True))
    return client.post(f"/admin/models/{pair}/rollforward", data={"csrf_token": token})


def _newer(tmp_path: Path) -> Path:
    """Another tiny en->ja package (other weights), labelled version 0.2."""
    reseeded = build_tiny_package(tmp_path / "seed1", "en", "ja", seed=1)
    with zipfile.ZipFile(reseeded) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("/metadata.json")]
        metadata = {**json.loads(zf.read(name)), "package_version": "0.2"}
    return rewrite_package(
        reseeded, tmp_path / "v0.2.argosmodel", {"metadata.json": json.dumps(metadata).encode()}
    )


def test_upload_lists_the_package_with_who_when_checksum_and_test_translation(
    page_app, admin, argos_archives
):
    empty = admin.get("/admin/models/").get_data(as_text=True)
    assert "No model is installed" in empty
    assert "flask --app wsgi mt fetch en-ja ja-en" in empty
    archive = argos_archives["en", "ja"]
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()

    resp = _upload(admin, archive, "translate-en_ja-0_1.argosmodel")

    assert resp.status_code == 303
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "it passed its test translation" in page
    assert f'<code title="{digest}">{digest[:12]}</code>' in page
    assert f"by {ADMIN}" in page
    assert "upload: translate-en_ja-0_1.argosmodel" in page
    assert "In use" in page and "Roll back" not in page
    record = json.loads(
        (
            Path(page_app.config["ARGOS_PACKAGES_DIR"])
            / "translate-en_ja-0_1"
            / ".kakehashi-install.json"
        ).read_text()
    )
    assert record["installed_by"] == ADMIN and record["sample"]
    assert f'<span lang="ja">{record["sample"]}</span>' in page.replace("&#39;", "'")
    assert "1.2 MB" in page  # the archive's size
    (event,) = _audit(page_app, "mt.install")
    with page_app.app_context():
        from webapp.accounts.models import User

        admin_id = db.session.scalar(select(User.id).where(User.email == ADMIN))
    assert event.actor_id == admin_id and event.detail["archive_sha256"] == digest


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"not a zip at all", "not a zip archive"),
        (b"PK\x03\x04broken", "not a zip archive"),
    ],
)
def test_a_refused_upload_shows_the_reason_beside_the_field(page_app, admin, body, words):
    resp = _upload(admin, body, "evil.argosmodel")

    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'class="error" role="alert"' in html and words in html
    assert "evil.argosmodel:" in html and "kakehashi-upload-" not in html  # no temporary path
    assert _versions(page_app) == []
    assert _audit(page_app, "mt.install") == []


def test_a_package_that_fails_its_checks_installs_nothing(
    page_app, admin, argos_archives, tmp_path
):
    broken = rewrite_package(
        argos_archives["en", "ja"], tmp_path / "broken.argosmodel", {"model/model.bin": b"\0"}
    )
    resp = _upload(admin, broken)
    assert resp.status_code == 422
    assert "Not installed:" in resp.get_data(as_text=True)
    assert _versions(page_app) == []


def test_no_file_is_a_field_error(page_app, admin):
    token = csrf_token(admin.get("/admin/models/").get_data(as_text=True))
    resp = admin.post("/admin/models/", data={"csrf_token": token})
    assert resp.status_code == 422
    assert "Choose an .argosmodel file to install." in resp.get_data(as_text=True)


def test_an_upload_larger_than_the_limit_is_413(page_app, admin):
    resp = _upload(admin, b"\0" * (3 * 1024**2), "big.argosmodel")
    assert resp.status_code == 413
    assert "Too large" in resp.get_data(as_text=True)
    assert _versions(page_app) == []


def test_rollback_in_one_action_audited_and_failed_translations_retried(
    page_app, admin, argos_archives, tmp_path
):
    # A translation failed while the pair had no model ...
    liaison = staff_headers(page_app, "liaison")
    api = page_app.test_client()
    created = api.post("/api/v1/summaries", json=summary_payload("en"), headers=liaison).json
    tr_id = created["translations"]["ja"]["id"]
    run_worker(page_app, burst=True)
    translator = staff_headers(page_app, "translator")
    assert api.get(f"/api/v1/translations/{tr_id}", headers=translator).json["status"] == "failed"
    # ... then two versions were copied in by hand (no announcement): it is still failed.
    first = argos_archives["en", "ja"]
    for archive in (first, _newer(tmp_path)):
        install_package(archive, Path(page_app.config["ARGOS_PACKAGES_DIR"]))
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "Kept for rollback" in page and "Roll back to 0.1" in page
    assert "by an unknown person" in page  # installed without a name
    engine = engine_for(page_app)
    assert engine.model_version("en", "ja") == "translate-en_ja 0.2"
    assert api.get(f"/api/v1/translations/{tr_id}", headers=translator).json["status"] == "failed"

    resp = _rollback(admin)

    assert resp.status_code == 303
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "back on 0.1; 0.2 is kept, so you can roll forward to it again" in page
    assert "Roll back" not in page
    assert "Roll forward to 0.2" in page and "Rolled back; kept to roll forward to" in page
    assert _versions(page_app) == ["translate-en_ja-0_1"]
    assert _held(page_app) == ["translate-en_ja-0_2"]
    assert engine.model_version("en", "ja") == "translate-en_ja 0.1"
    (event,) = _audit(page_app, "mt.rollback")
    assert event.actor_id is not None
    assert (event.detail["removed_version"], event.detail["version"]) == ("0.2", "0.1")
    assert event.detail["archive_sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()
    assert api.get(f"/api/v1/translations/{tr_id}", headers=translator).json["status"] == "queued"
    run_worker(page_app, burst=True)
    assert api.get(f"/api/v1/translations/{tr_id}", headers=translator).json["status"] == (
        "in_review"
    )

    again = _rollback(admin)
    assert again.status_code == 409
    assert "no previous version kept" in again.get_data(as_text=True)
    assert _versions(page_app) == ["translate-en_ja-0_1"]

    # ... and forward again, in one action, audited: the newer package was kept.
    resp = _rollforward(admin)
    assert resp.status_code == 303
    page = admin.get("/admin/models/").get_data(as_text=True)
    assert "is on 0.2 again; 0.1 is kept for rollback" in page
    assert "Roll back to 0.1" in page and "Roll forward" not in page
    assert _versions(page_app) == ["translate-en_ja-0_1", "translate-en_ja-0_2"]
    assert _held(page_app) == []
    assert engine.model_version("en", "ja") == "translate-en_ja 0.2"
    (event,) = _audit(page_app, "mt.rollforward")
    assert event.actor_id is not None
    assert (event.detail["replaced_version"], event.detail["version"]) == ("0.1", "0.2")
    twice = _rollforward(admin)
    assert twice.status_code == 409
    assert "no rolled-back version kept to roll forward to" in twice.get_data(as_text=True)


def test_a_new_install_drops_the_version_kept_to_roll_forward_to(
    page_app, admin, argos_archives, tmp_path
):
    models = Path(page_app.config["ARGOS_PACKAGES_DIR"])
    for archive in (argos_archives["en", "ja"], _newer(tmp_path)):
        install_package(archive, models)
    assert _rollback(admin).status_code == 303
    assert _held(page_app) == ["translate-en_ja-0_2"]
    reseeded = build_tiny_package(tmp_path / "seed2", "en", "ja", seed=2)
    with zipfile.ZipFile(reseeded) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("/metadata.json")]
        metadata = {**json.loads(zf.read(name)), "package_version": "0.3"}
    v03 = rewrite_package(
        reseeded, tmp_path / "v0.3.argosmodel", {"metadata.json": json.dumps(metadata).encode()}
    )
    assert _upload(admin, v03).status_code == 303
    assert _versions(page_app) == ["translate-en_ja-0_1", "translate-en_ja-0_3"]
    assert _held(page_app) == []
    assert _rollforward(admin).status_code == 409


def test_rollback_of_an_unknown_pair_is_404_and_needs_csrf(page_app, admin):
    assert _rollback(admin, "en/xx").status_code == 404
    resp = admin.post("/admin/models/en/ja/rollback", data={})
    assert resp.status_code in (302, 303, 400)
    assert _audit(page_app, "mt.rollback") == []


@pytest.mark.parametrize("role", ["liaison", "translator"])
def test_only_admins_see_or_change_models(page_app, role, argos_archives):
    client = _sign_in(page_app, make_user(page_app, role))
    assert client.get("/admin/models/").status_code == 403
    assert client.post("/admin/models/", data={}).status_code in (400, 403)
    assert client.post("/admin/models/en/ja/rollback", data={}).status_code in (400, 403)
    anonymous = page_app.test_client().get("/admin/models/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
