"""Backups: `flask export` and `flask import` round-trip all but secrets, or refuse clearly."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.conftest import POSTGRES_URL
from tests.factories import approve_segments, bearer, make_user, sign_in, summary_payload
from tests.unit.photos.images import image_bytes
from webapp import domains
from webapp.accounts import services as users
from webapp.accounts.models import ApiToken, User
from webapp.backup import policy
from webapp.backup import services as backup
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.translation import presence

LIAISON = "liaison@example.org"
TRANSLATOR = "translator@example.org"


@pytest.fixture
def restored_url(backend, tmp_path):
    """A second, empty database: a SQLite file, or `<name>_backup` beside the test database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_backup"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def app(make_app, tmp_path):
    """The app with an empty schema, keeping its photo files in this test's folder."""
    return make_app(PHOTOS_DIR=str(tmp_path / "photos"))


@pytest.fixture
def restored(make_app, restored_url, tmp_path):
    """An app on the second database, with the schema and no rows, and no photo files yet."""
    app = make_app(SQLALCHEMY_DATABASE_URI=restored_url, PHOTOS_DIR=str(tmp_path / "restored"))
    yield app
    with app.app_context():
        db.engine.dispose()  # before the database is dropped


def write_summary(client, liaison, **overrides) -> dict[str, Any]:
    resp = client.post("/api/v1/summaries", json=summary_payload(**overrides), headers=liaison)
    assert resp.status_code == 201, resp.json
    return resp.json


def publish(client, liaison, summary_id: int) -> None:
    resp = client.post(
        f"/api/v1/summaries/{summary_id}/publish", json={"locales": ["en", "ja"]}, headers=liaison
    )
    assert resp.status_code == 200, resp.json


def populate(app) -> dict[str, Any]:
    """Real data through the API and the worker: drafts, reviews, memory, history, publications."""
    client = app.test_client()
    liaison = bearer(app, make_user(app, "liaison", email=LIAISON))
    translator = bearer(app, make_user(app, "translator", ["ja", "en"], email=TRANSLATOR))
    term = client.post(
        "/api/v1/glossary",
        json={
            "source_locale": "en",
            "target_locale": "ja",
            "source": "Pentagon",
            "target": "国防総省",
        },
        headers=translator,
    )
    assert term.status_code == 201, term.json

    first = write_summary(client, liaison)
    tr_id = first["translations"]["ja"]["id"]
    assert run_worker(app, burst=True) == 1  # machine drafts with engine, model and score
    approve_segments(client, translator, tr_id)  # history rows and memory entries
    publish(client, liaison, first["id"])
    body = first["body"].replace("every way possible", "every practical way")
    patched = client.patch(
        f"/api/v1/summaries/{first['id']}",
        json={"body": body},
        headers={**liaison, "If-Match": "1"},
    )
    assert patched.status_code == 200, patched.json
    run_worker(app, burst=True)
    approve_segments(client, translator, tr_id)
    publish(client, liaison, first["id"])  # the first snapshot stays as a non-current row

    second = write_summary(client, liaison, title="A second meeting at the Pentagon")
    second_tr = client.get(
        f"/api/v1/translations/{second['translations']['ja']['id']}", headers=translator
    ).json
    assert any(s["origin"] == "tm" for s in second_tr["segments"])  # linked to memory entries
    # A question on a segment, answered and resolved, and an open one with a mention.
    asked = client.post(
        f"/api/v1/summaries/{second['id']}/questions",
        json={"body": "Is this the official title?", "segment_id": second_tr["segments"][0]["id"]},
        headers=translator,
    )
    assert asked.status_code == 201, asked.json
    answered = client.post(
        f"/api/v1/questions/{asked.json['id']}/answers", json={"body": "Yes."}, headers=liaison
    )
    assert answered.status_code == 201, answered.json
    resolved = client.post(f"/api/v1/questions/{asked.json['id']}/resolve", headers=translator)
    assert resolved.status_code == 200, resolved.json
    open_one = client.post(
        f"/api/v1/summaries/{second['id']}/questions",
        json={"body": "Which photo goes first?", "mentions": [LIAISON]},
        headers=translator,
    )
    assert open_one.status_code == 201, open_one.json
    with app.app_context():
        presence.touch(db.session, tr_id, users.find_user(db.session, TRANSLATOR))
        db.session.commit()
    return {"first": first, "second": second, "translation_id": tr_id}


def reader_and_translator_view(app, data: dict[str, Any]) -> dict[str, Any]:
    """What readers and staff see of the data: public pages and API answers."""
    client = app.test_client()
    liaison, translator = bearer(app, LIAISON), bearer(app, TRANSLATOR)
    slug, tr_id = data["first"]["slug"], data["translation_id"]
    seen: dict[str, Any] = {}
    for path in (
        "/en/",
        "/ja/",
        f"/en/summaries/{slug}",
        f"/ja/summaries/{slug}",
        "/en/feed.atom",
        "/ja/feed.atom",
        "/sitemap.xml",
        "/sitemap-1.xml",
        "/en/search?q=Pentagon",
        "/ja/search?q=防衛",
    ):
        resp = client.get(path)
        assert resp.status_code == 200, path
        seen[path] = resp.get_data(as_text=True)
    assert "<mark>" in seen["/en/search?q=Pentagon"]  # the search index came along
    for key in ("first", "second"):
        path = f"/api/v1/summaries/{data[key]['id']}"
        seen[path] = client.get(path, headers=liaison).json
    translation = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json
    seen["translation"] = translation
    for seg in translation["segments"]:
        path = f"/api/v1/translations/{tr_id}/segments/{seg['id']}/history"
        seen[path] = client.get(path, headers=translator).json
    seen["glossary"] = client.get("/api/v1/glossary", headers=translator).json
    seen["queue"] = client.get("/api/v1/review-queue?locale=ja", headers=translator).json
    seen["questions"] = client.get(
        f"/api/v1/summaries/{data['second']['id']}/questions", headers=liaison
    ).json
    assert len(seen["questions"]["questions"]) == 2
    assert seen["translation"]["segments"] and seen[f"/en/summaries/{slug}"]
    return seen


def read_backup(path: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(backup.MANIFEST))
        tables = {
            name: [json.loads(line) for line in archive.read(f"tables/{name}.jsonl").splitlines()]
            for name in manifest["tables"]
        }
    return manifest, tables


def archive_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            t.name: db.session.scalar(select(func.count()).select_from(t)) or 0
            for t in db.metadata.sorted_tables
        }


@pytest.mark.backends("sqlite", "postgresql")
def test_round_trip_keeps_every_row_and_what_everyone_sees(app, restored, backend, tmp_path):
    data = populate(app)
    first_file, second_file = tmp_path / "a.zip", tmp_path / "b.zip"
    out = app.test_cli_runner().invoke(args=["export", str(first_file)])
    assert out.exit_code == 0, out.output
    before = reader_and_translator_view(app, data)

    out = restored.test_cli_runner().invoke(args=["import", str(first_file)])
    assert out.exit_code == 0, out.output
    assert "Imported" in out.output
    out = restored.test_cli_runner().invoke(args=["export", str(second_file)])
    assert out.exit_code == 0, out.output

    manifest_a, tables_a = read_backup(first_file)
    manifest_b, tables_b = read_backup(second_file)
    # The import records itself in the audit log: the one row the second export adds.
    restore_event = tables_b["audit_events"].pop()
    assert restore_event["action"] == "backup.import" and restore_event["actor_id"] is None
    assert restore_event["detail"]["rows"] == sum(e["rows"] for e in manifest_a["tables"].values())
    manifest_b["tables"]["audit_events"]["rows"] -= 1
    assert manifest_a.pop("exported_at") != manifest_b.pop("exported_at")
    assert manifest_b == manifest_a
    assert tables_b == tables_a
    for name in (
        "summaries",
        "revisions",
        "publications",
        "segment_translations",
        "questions",
        "question_answers",
        "question_mentions",
    ):
        assert tables_a[name], f"no {name} to compare"
    assert {r["origin"] for r in tables_a["segment_translations"]} >= {"mt", "tm"}
    assert any(r["memory_entry_id"] for r in tables_a["segment_translations"])
    assert any(r["score"] is not None for r in tables_a["segment_translations"])
    assert not any(r["is_current"] for r in tables_a["publications"][:2])

    assert reader_and_translator_view(restored, data) == before

    # New rows get fresh ids (PostgreSQL sequences were moved past the imported ids).
    liaison = bearer(restored, LIAISON)
    resp = restored.test_client().post(
        "/api/v1/summaries", json=summary_payload(title="After the restore"), headers=liaison
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["id"] > data["second"]["id"]


@pytest.mark.backends("sqlite", "postgresql")
def test_no_password_hash_token_or_session_leaves_the_database(app, restored, tmp_path):
    populate(app)
    with app.app_context():
        hashes = db.session.scalars(select(User.password_hash)).all()
        tokens = db.session.scalars(select(ApiToken.token_hash)).all()
    assert hashes and tokens
    path = tmp_path / "a.zip"
    out = app.test_cli_runner().invoke(args=["export", str(path)])
    assert out.exit_code == 0, out.output
    dump = archive_text(path)
    assert not any(h in dump for h in hashes)
    assert not any(t in dump for t in tokens)
    manifest, tables = read_backup(path)
    assert {"api_tokens", "presence", "user_sessions"} <= set(manifest["skipped_tables"])
    assert not {"api_tokens", "presence", "user_sessions"} & set(manifest["tables"])
    assert {u["password_hash"] for u in tables["users"]} == {policy.UNUSABLE_PASSWORD}

    assert restored.test_cli_runner().invoke(args=["import", str(path)]).exit_code == 0
    with app.app_context():
        assert users.authenticate(db.session, TRANSLATOR, "correct horse battery") is not None
        db.session.rollback()
    with restored.app_context():
        assert users.authenticate(db.session, TRANSLATOR, "correct horse battery") is None
        assert users.authenticate(db.session, TRANSLATOR, policy.UNUSABLE_PASSWORD) is None
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_every_table_is_exported_or_skipped_on_purpose():
    domains.import_models()
    assert backup.problems() == []
    exported = {t.name for t in policy.exported_tables(db.metadata)}
    skipped = set(policy.skipped_tables(db.metadata))
    assert exported | skipped == set(db.metadata.tables) and not exported & skipped
    assert {"api_tokens", "presence"} <= skipped
    assert all(name in skipped for name in db.metadata.tables if "session" in name)


def test_a_new_table_or_secret_column_stops_the_export_until_someone_decides():
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True), Column("totp_secret", String))
    Table("badges", metadata, Column("id", Integer, primary_key=True))
    Table("device_sessions", metadata, Column("id", Integer, primary_key=True))
    Table(
        "summaries",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("session_id", ForeignKey("device_sessions.id")),
    )
    found = "\n".join(backup.problems(metadata))
    assert "summaries.session_id refers to device_sessions" in found
    assert "users.totp_secret looks secret" in found
    assert "table badges is neither exported nor skipped" in found
    assert "table device_sessions" not in found  # skipped by its name, whatever POLICY says
    with pytest.raises(backup.BackupError, match="badges"):
        backup.export_database(
            None,  # type: ignore[arg-type]
            Path("unused.zip"),
            metadata,
            photos_dir="unused",
        )


@pytest.fixture
def small_backup(app, tmp_path) -> Path:
    """A backup of a few users and one summary (no worker run: quick)."""
    client = app.test_client()
    liaison = bearer(app, make_user(app, "liaison", email=LIAISON))
    write_summary(client, liaison)
    write_summary(client, liaison, title="Another meeting")
    path = tmp_path / "small.zip"
    out = app.test_cli_runner().invoke(args=["export", str(path)])
    assert out.exit_code == 0, out.output
    return path


def rewrite(source: Path, target: Path, changes: dict[str, bytes | None]) -> Path:
    """A copy of an archive with members replaced or added (or dropped, for None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name not in changes:
                new.writestr(name, old.read(name))
        for name, content in changes.items():
            if content is not None:
                new.writestr(name, content)
    return target


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def with_manifest(source: Path, target: Path, **fields: Any) -> Path:
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read(backup.MANIFEST))
    manifest.update(fields)
    return rewrite(source, target, {backup.MANIFEST: json.dumps(manifest).encode()})


@pytest.mark.backends("sqlite", "postgresql")
def test_import_refuses_a_database_that_holds_rows(small_backup, restored):
    make_user(restored, "admin", email="admin@example.org")
    out = restored.test_cli_runner().invoke(args=["import", str(small_backup)])
    assert out.exit_code == 2
    assert "empty database" in out.output and "users" in out.output
    assert "Traceback" not in out.output
    counts = row_counts(restored)
    assert counts["users"] == 1 and counts["summaries"] == 0


@pytest.mark.backends("sqlite", "postgresql")
def test_a_bad_row_at_the_end_leaves_nothing_imported(small_backup, restored, tmp_path):
    with zipfile.ZipFile(small_backup) as archive:
        lines = archive.read("tables/audit_events.jsonl").decode().splitlines()
    last = json.loads(lines[-1])
    last["created_at"] = "yesterday"
    broken = rewrite(
        small_backup,
        tmp_path / "broken.zip",
        {"tables/audit_events.jsonl": "\n".join([*lines[:-1], json.dumps(last)]).encode()},
    )
    out = restored.test_cli_runner().invoke(args=["import", str(broken)])
    assert out.exit_code == 2, out.output
    assert f"audit_events.jsonl line {len(lines)}" in out.output and "created_at" in out.output
    assert set(row_counts(restored).values()) == {0}


@pytest.mark.backends("sqlite", "postgresql")
def test_rows_the_database_refuses_leave_nothing_imported(small_backup, restored, tmp_path):
    with zipfile.ZipFile(small_backup) as archive:
        lines = archive.read("tables/revisions.jsonl").decode().splitlines()
    row = json.loads(lines[-1])
    row["summary_id"] = 999  # no such summary
    broken = rewrite(
        small_backup,
        tmp_path / "broken.zip",
        {"tables/revisions.jsonl": "\n".join([*lines[:-1], json.dumps(row)]).encode()},
    )
    out = restored.test_cli_runner().invoke(args=["import", str(broken)])
    assert out.exit_code == 2, out.output
    assert "refused" in out.output and "revisions" in out.output
    assert "Traceback" not in out.output
    assert set(row_counts(restored).values()) == {0}


ZERO = "0" * 64
MALFORMED = {
    "not a zip": lambda src, dst: write(dst, b"PK but not really"),
    "no manifest": lambda src, dst: rewrite(src, dst, {backup.MANIFEST: None}),
    "manifest not JSON": lambda src, dst: rewrite(src, dst, {backup.MANIFEST: b"{oops"}),
    "another format": lambda src, dst: with_manifest(src, dst, format="something-else"),
    "unknown version": lambda src, dst: with_manifest(src, dst, format_version="1"),
    "newer version": lambda src, dst: with_manifest(src, dst, format_version=3),
    "tables malformed": lambda src, dst: with_manifest(src, dst, tables=[]),
    "unknown table": lambda src, dst: with_manifest(
        src, dst, tables={"wormholes": {"rows": 0, "columns": ["id"]}}
    ),
    "missing member": lambda src, dst: rewrite(src, dst, {"tables/users.jsonl": None}),
    "truncated member": lambda src, dst: rewrite(src, dst, {"tables/revisions.jsonl": b""}),
    "row not JSON": lambda src, dst: rewrite(src, dst, {"tables/users.jsonl": b"[1,\n"}),
    "row with other columns": lambda src, dst: rewrite(
        src, dst, {"tables/users.jsonl": b'{"id": 1}\n'}
    ),
    "files malformed": lambda src, dst: with_manifest(
        src, dst, files=[{"path": "files/photos/a.webp", "size": 1, "sha256": "0"}]
    ),
    "not a photo file": lambda src, dst: with_manifest(
        src, dst, files=[{"path": "files/a.jpg", "size": 1, "sha256": ZERO}]
    ),
    "unlisted file": lambda src, dst: rewrite(src, dst, {"files/b.jpg": b"\xff\xd8"}),
    "listed file absent": lambda src, dst: with_manifest(
        src,
        dst,
        files=[{"path": f"files/photos/{'a' * 32}-480.webp", "size": 1, "sha256": ZERO}],
    ),
}
MESSAGES = {
    "not a zip": "not a zip archive",
    "no manifest": "has no kakehashi-export.json",
    "manifest not JSON": "not valid JSON",
    "another format": "does not name format",
    "unknown version": "unknown backup format version '1'",
    "newer version": "format version 3, newer than this Kakehashi reads (2)",
    "tables malformed": "'tables' must map",
    "unknown table": "wormholes",
    "missing member": "no tables/users.jsonl",
    "truncated member": "holds 0 rows, the manifest says 2",
    "row not JSON": "users.jsonl line 1 is not valid JSON",
    "row with other columns": "users.jsonl line 1 does not hold the columns",
    "files malformed": "needs a path, a size and a sha256",
    "not a photo file": "'files/a.jpg', which is not a photo file's name",
    "unlisted file": "entries its manifest does not list: files/b.jpg",
    "listed file absent": "lacks files its manifest lists",
}


@pytest.mark.parametrize("fault", sorted(MALFORMED))
def test_import_refuses_a_malformed_file_with_a_message(small_backup, restored, tmp_path, fault):
    broken = MALFORMED[fault](small_backup, tmp_path / "broken.zip")
    out = restored.test_cli_runner().invoke(args=["import", str(broken)])
    assert out.exit_code == 2, out.output
    assert out.output.startswith("Error: nothing imported:")
    assert MESSAGES[fault] in out.output
    assert set(row_counts(restored).values()) == {0}


def test_import_of_a_missing_file_is_refused(restored, tmp_path):
    out = restored.test_cli_runner().invoke(args=["import", str(tmp_path / "none.zip")])
    assert out.exit_code == 2 and "does not exist" in out.output


def test_a_failed_export_keeps_the_previous_backup_and_leaves_no_partial_file(
    app, tmp_path, monkeypatch
):
    (tmp_path / "backups").mkdir()
    path = tmp_path / "backups" / "a.zip"
    path.write_bytes(b"yesterday's backup")

    def fail_late() -> str:  # called once every table is written
        raise backup.BackupError("disk on fire")

    monkeypatch.setattr(backup, "_app_version", fail_late)
    out = app.test_cli_runner().invoke(args=["export", str(path)])
    assert out.exit_code == 2 and "disk on fire" in out.output
    assert [p.name for p in path.parent.iterdir()] == ["a.zip"]
    assert path.read_bytes() == b"yesterday's backup"


def stamp(app, revision: str) -> None:
    """Mark the schema as Alembic would after `flask db upgrade`."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num TEXT)"))
        db.session.execute(text("DELETE FROM alembic_version"))
        db.session.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
        db.session.commit()


def test_import_refuses_a_backup_from_another_schema_revision(app, restored, tmp_path):
    make_user(app, "liaison", email=LIAISON)
    stamp(app, "0008_new")
    path = tmp_path / "a.zip"
    assert app.test_cli_runner().invoke(args=["export", str(path)]).exit_code == 0
    assert read_backup(path)[0]["alembic_revision"] == "0008_new"

    stamp(restored, "0007_old")
    out = restored.test_cli_runner().invoke(args=["import", str(path)])
    assert out.exit_code == 2
    assert "revision 0008_new" in out.output and "at 0007_old" in out.output
    stamp(restored, "0008_new")
    out = restored.test_cli_runner().invoke(args=["import", str(path)])
    assert out.exit_code == 0, out.output


@pytest.mark.backends("postgresql")
def test_a_sqlite_backup_restores_into_postgresql(make_app, app, tmp_path):
    source = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    data = populate(source)
    first_file, second_file = tmp_path / "a.zip", tmp_path / "b.zip"
    assert source.test_cli_runner().invoke(args=["export", str(first_file)]).exit_code == 0
    before = reader_and_translator_view(source, data)
    out = app.test_cli_runner().invoke(args=["import", str(first_file)])
    assert out.exit_code == 0, out.output
    assert app.test_cli_runner().invoke(args=["export", str(second_file)]).exit_code == 0

    manifest_a, tables_a = read_backup(first_file)
    manifest_b, tables_b = read_backup(second_file)
    assert (manifest_a["database"], manifest_b["database"]) == ("sqlite", "postgresql")
    assert tables_b["audit_events"].pop()["action"] == "backup.import"
    assert tables_b == tables_a
    assert reader_and_translator_view(app, data) == before


# Photo files: exported beside the rows, checked before they are restored.


def upload_photo(app, summary_id: int, headers: dict[str, str], size: tuple[int, int]) -> dict:
    resp = app.test_client().post(
        f"/api/v1/summaries/{summary_id}/photos",
        data={"file": (io.BytesIO(image_bytes("JPEG", size)), "photo.jpg"), "alt": "A table."},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def served(app, url: str, *, as_staff: bool = True) -> tuple[int, bytes]:
    """A photo file as staff see it (the summary is a draft: readers would get a 404). A
    restored app's users have no usable password, so a viewer of its own signs in."""
    viewer = "photo-viewer@example.org"
    client = app.test_client()
    if as_staff:
        _sign_in_viewer(app, client, viewer)
    resp = client.get(url)
    body = resp.get_data()
    resp.close()  # a file response holds an open handle until closed
    return resp.status_code, body


def _sign_in_viewer(app, client, viewer: str) -> None:
    with app.app_context():
        known = db.session.scalar(select(User.id).where(User.email == viewer)) is not None
    if not known:
        make_user(app, "translator", email=viewer)
    sign_in(client, viewer)


def files_in(folder: Path) -> list[str]:
    """Everything in a photos folder, temporary files included."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def photo_backup(app, tmp_path) -> tuple[Path, list[str]]:
    """A backup of a summary with two photos (five files); returns it and the files' URLs."""
    liaison = bearer(app, make_user(app, "liaison", email=LIAISON))
    summary = write_summary(app.test_client(), liaison)
    urls = [
        f["url"]
        for size in ((1200, 800), (700, 500))
        for f in upload_photo(app, summary["id"], liaison, size)["files"]
    ]
    path = tmp_path / "photos.zip"
    out = app.test_cli_runner().invoke(args=["export", str(path)])
    assert out.exit_code == 0, out.output
    assert "and 5 photo files" in out.output and "Warning" not in out.output
    return path, urls


@pytest.mark.backends("sqlite", "postgresql")
def test_photo_files_come_back_byte_for_byte_after_a_restore(app, restored, photo_backup):
    path, urls = photo_backup
    assert len(urls) == 5  # 480, 960 and 1200 wide; 480 and 700 wide
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(backup.MANIFEST))
        stored = {i.filename: i for i in archive.infolist() if i.filename.startswith("files/")}
        for entry in manifest["files"]:
            content = archive.read(entry["path"])
            assert (len(content), hashlib.sha256(content).hexdigest()) == (
                entry["size"],
                entry["sha256"],
            )
    assert manifest["format_version"] == 2 and manifest["missing_files"] == []
    assert sorted(stored) == sorted(f"files/photos/{url.rsplit('/', 1)[1]}" for url in urls)
    assert {i.compress_type for i in stored.values()} == {zipfile.ZIP_STORED}  # WebP as it is
    assert all(served(restored, url, as_staff=False)[0] == 404 for url in urls)  # can fail

    out = restored.test_cli_runner().invoke(args=["import", str(path)])
    assert out.exit_code == 0, out.output
    assert "and 5 photo files" in out.output
    for url in urls:
        assert served(restored, url) == served(app, url)
        assert served(restored, url)[0] == 200
    assert not [n for n in files_in(Path(restored.config["PHOTOS_DIR"])) if n.startswith(".")]


def refused_whole(restored, archive: Path, message: str) -> None:
    out = restored.test_cli_runner().invoke(args=["import", str(archive)])
    assert out.exit_code == 2, out.output
    assert out.output.startswith("Error: nothing imported:") and message in out.output
    assert "Traceback" not in out.output
    assert set(row_counts(restored).values()) == {0}
    assert files_in(Path(restored.config["PHOTOS_DIR"])) == []


@pytest.mark.backends("sqlite", "postgresql")
def test_a_tampered_photo_file_refuses_the_whole_import(restored, photo_backup, tmp_path):
    path, _urls = photo_backup
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(backup.MANIFEST))
        last = manifest["files"][-1]["path"]  # restored last: the others are written first
        content = bytearray(archive.read(last))
    content[len(content) // 2] ^= 0xFF  # same size, other bytes (the zip's CRC is made anew)
    tampered = rewrite(path, tmp_path / "tampered.zip", {last: bytes(content)})
    name = last.removeprefix("files/photos/")
    refused_whole(restored, tampered, f"photo file {name} does not match its size and sha256")


@pytest.mark.backends("sqlite", "postgresql")
def test_a_failed_commit_takes_the_restored_files_away(restored, photo_backup, monkeypatch):
    path, _urls = photo_backup

    def refuse(self):
        raise OperationalError("COMMIT", {}, Exception("the server went away"))

    monkeypatch.setattr(Session, "commit", refuse)
    out = restored.test_cli_runner().invoke(args=["import", str(path)])
    assert out.exit_code == 1 and isinstance(out.exception, OperationalError)
    monkeypatch.undo()
    assert set(row_counts(restored).values()) == {0}
    assert files_in(Path(restored.config["PHOTOS_DIR"])) == []


TRAVERSAL = "files/photos/../../../etc/x"


@pytest.mark.backends("sqlite", "postgresql")
@pytest.mark.parametrize(
    "listed", [True, False], ids=["listed in the manifest", "only in the archive"]
)
def test_a_file_name_outside_the_photos_folder_is_refused(restored, photo_backup, tmp_path, listed):
    path, _urls = photo_backup
    evil = rewrite(path, tmp_path / "evil.zip", {TRAVERSAL: b"owned"})
    if listed:
        entry = {"path": TRAVERSAL, "size": 5, "sha256": hashlib.sha256(b"owned").hexdigest()}
        with zipfile.ZipFile(path) as archive:
            files = json.loads(archive.read(backup.MANIFEST))["files"]
        evil = with_manifest(evil, tmp_path / "evil-listed.zip", files=[*files, entry])
        refused_whole(restored, evil, f"{TRAVERSAL!r}, which is not a photo file's name")
    else:
        refused_whole(restored, evil, f"entries its manifest does not list: {TRAVERSAL}")
    assert not (tmp_path / "etc").exists()


@pytest.mark.backends("sqlite", "postgresql")
def test_a_photo_file_missing_at_export_is_reported_not_hidden(app, restored, tmp_path):
    liaison = bearer(app, make_user(app, "liaison", email=LIAISON))
    summary = write_summary(app.test_client(), liaison)
    urls = [f["url"] for f in upload_photo(app, summary["id"], liaison, (700, 500))["files"]]
    gone = urls[0].rsplit("/", 1)[1]
    (Path(app.config["PHOTOS_DIR"]) / gone).unlink()
    path = tmp_path / "a.zip"

    out = app.test_cli_runner().invoke(args=["export", str(path)])
    assert out.exit_code == 0, out.output
    assert "and 1 photo files" in out.output
    assert "Warning: 1 photo file(s) not found in" in out.output and gone in out.output
    manifest = read_backup(path)[0]
    assert manifest["missing_files"] == [gone]

    out = restored.test_cli_runner().invoke(args=["import", str(path)])
    assert out.exit_code == 0, out.output
    assert "Warning: 1 photo file(s) were missing" in out.output and gone in out.output
    assert served(restored, urls[0])[0] == 404
    assert served(restored, urls[1])[0] == 200


@pytest.mark.backends("sqlite", "postgresql")
def test_a_backup_from_before_photo_files_still_imports(app, restored, photo_backup, tmp_path):
    path, urls = photo_backup
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(backup.MANIFEST))
        photo_files = [entry["path"] for entry in manifest["files"]]
    del manifest["missing_files"]
    manifest.update(format_version=1, files=[])
    old = rewrite(
        path,
        tmp_path / "version-1.zip",
        {backup.MANIFEST: json.dumps(manifest).encode(), **dict.fromkeys(photo_files)},
    )
    out = restored.test_cli_runner().invoke(args=["import", str(old)])
    assert out.exit_code == 0, out.output
    assert "and 0 photo files" in out.output
    assert row_counts(restored)["photos"] == row_counts(app)["photos"] == 2
    assert all(served(restored, url)[0] == 404 for url in urls)  # as before: rows, no files
