"""Static publishing (issue 23, item 2): reader pages written as files by a job, through the app
itself, so nginx can serve them; the reader invariants hold on that path too."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import brotli
import pytest
from werkzeug.serving import make_server

from tests.factories import approve_segments, staff_headers, summary_payload
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.publishing import schedules
from webapp.staticsite import build, writer

ROOT = Path(__file__).resolve().parent.parent.parent
BOTH = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def site(tmp_path) -> Path:
    return tmp_path / "site"


@pytest.fixture
def app(make_app, site, tmp_path):
    return make_app(STATIC_SITE_DIR=str(site), PHOTOS_DIR=str(tmp_path / "photos"))


def files(site: Path) -> dict[str, bytes]:
    """Every file of the site but its own records, by path."""
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def reader_answer(app, path: str) -> tuple[int, bytes]:
    """What a first visit gets from the app (a client with no cookies, from BASE_URL)."""
    resp = app.test_client(use_cookies=False).get(path, base_url=app.config["BASE_URL"])
    return resp.status_code, resp.get_data()


def publish(client, headers, summary_id: int, locales: list[str]):
    resp = client.post(
        f"/api/v1/summaries/{summary_id}/publish", json={"locales": locales}, headers=headers
    )
    assert resp.status_code == 200, resp.json
    return resp


def withdraw(client, headers, summary_id: int, locales: list[str]):
    resp = client.post(
        f"/api/v1/summaries/{summary_id}/withdraw",
        json={"locales": locales, "reason": "Wrong date."},
        headers=headers,
    )
    assert resp.status_code == 200, resp.json


@pytest.fixture
def desk(app, client):
    """A liaison, a translator and an English summary with its Japanese machine draft made."""
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    return {"liaison": liaison, "translator": translator, "summary": made}


@BOTH
def test_publishing_writes_each_page_with_the_bytes_the_app_answers(app, client, desk, site):
    made = desk["summary"]
    approve_segments(client, desk["translator"], made["translations"]["ja"]["id"])
    publish(client, desk["liaison"], made["id"], ["en", "ja"])
    assert not (site / "en").exists()  # the job writes them, not the request
    run_worker(app, burst=True)
    written = files(site)
    for path in (
        f"/en/summaries/{made['slug']}",
        f"/ja/summaries/{made['slug']}",
        "/en/",
        "/ja/",
        "/en/feed.atom",
        "/en/archive/",
        "/en/archive/2026/1/",
        "/en/countries/jp",
        "/sitemap.xml",
        "/sitemap-1.xml",
    ):
        target = writer.file_for(site, path)
        assert target is not None
        status, body = reader_answer(app, path)
        assert status == 200
        assert target.read_bytes() == body, path
        assert gzip.decompress(target.with_name(target.name + ".gz").read_bytes()) == body
        assert brotli.decompress(target.with_name(target.name + ".br").read_bytes()) == body
    assert made["slug"] in written["en/index.html"].decode()
    # A summary page is named for nginx's try_files ($uri.html); the fingerprint is recorded.
    assert f"en/summaries/{made['slug']}.html" in written
    record = json.loads((site / writer.BUILD_FILE).read_text())
    assert record["fingerprint"] == build.current_fingerprint(app)


@BOTH
def test_an_unapproved_edit_writes_nothing_new(app, client, desk, site):
    made = desk["summary"]
    tr_id = made["translations"]["ja"]["id"]
    approve_segments(client, desk["translator"], tr_id)
    publish(client, desk["liaison"], made["id"], ["en", "ja"])
    run_worker(app, burst=True)
    before = files(site)
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=desk["translator"]).json
    seg = next(s for s in tr["segments"] if s["key"] == "title")
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
        json={"text": "未承認の下書きの題名", "approve": False, "version": seg["version"]},
        headers=desk["translator"],
    )
    assert resp.status_code == 200, resp.json
    run_worker(app, burst=True)
    after = files(site)
    assert after == before
    assert not any("未承認の下書き" in body.decode("utf-8", "replace") for body in after.values())


@BOTH
def test_a_scheduled_release_writes_nothing_before_its_time(app, client, desk, site):
    made = desk["summary"]
    approve_segments(client, desk["translator"], made["translations"]["ja"]["id"])
    at = datetime(2030, 1, 16, 0, 0, tzinfo=UTC)
    resp = client.post(
        f"/api/v1/summaries/{made['id']}/schedule",
        json={
            "locales": ["en", "ja"],
            "release_at": "2030-01-16T09:00",
            "time_zone": "Asia/Tokyo",
            "policy": "hold",
        },
        headers=desk["liaison"],
    )
    assert resp.status_code == 201, resp.json
    with app.app_context():
        assert schedules.release_due(db.session, at - timedelta(seconds=1)) == []
        db.session.commit()
    run_worker(app, burst=True)
    assert not any(made["slug"] in path for path in files(site))
    assert not any(made["slug"].encode() in body for body in files(site).values())
    with app.app_context():
        assert schedules.release_due(db.session, at)
        db.session.commit()
    run_worker(app, burst=True)
    page = writer.file_for(site, f"/ja/summaries/{made['slug']}")
    assert page is not None and page.exists()


@BOTH
def test_a_withdrawal_takes_the_files_away_at_once(app, client, desk, site):
    made = desk["summary"]
    publish(client, desk["liaison"], made["id"], ["en"])
    run_worker(app, burst=True)
    page = writer.file_for(site, f"/en/summaries/{made['slug']}")
    assert page is not None and page.exists()
    withdraw(client, desk["liaison"], made["id"], ["en"])
    # Gone before any job ran: nginx asks the app, which answers 410.
    assert not page.exists()
    assert not page.with_name(page.name + ".gz").exists()
    assert reader_answer(app, f"/en/summaries/{made['slug']}")[0] == 410
    run_worker(app, burst=True)
    assert not page.exists()
    for path in ("/en/", "/en/feed.atom", "/sitemap-1.xml"):
        target = writer.file_for(site, path)
        assert target is not None and made["slug"].encode() not in target.read_bytes(), path


@BOTH
def test_a_changed_fingerprint_makes_the_job_write_every_page(app, client, desk, site):
    liaison = desk["liaison"]
    first = desk["summary"]
    publish(client, liaison, first["id"], ["en"])
    other = client.post(
        "/api/v1/summaries", json=summary_payload(title="A second meeting"), headers=liaison
    ).json
    publish(client, liaison, other["id"], ["en"])
    run_worker(app, burst=True)
    first_page = writer.file_for(site, f"/en/summaries/{first['slug']}")
    assert first_page is not None
    first_page.write_bytes(b"made by the old templates")
    stray = site / "en" / "summaries" / "deleted-long-ago.html"
    stray.write_bytes(b"a page nobody publishes")
    # An unchanged fingerprint: a change to `other` leaves `first`'s page alone.
    withdraw(client, liaison, other["id"], ["en"])
    run_worker(app, burst=True)
    assert first_page.read_bytes() == b"made by the old templates"
    # A build made with other templates: the next job writes everything, and removes the rest.
    (site / writer.BUILD_FILE).write_text(json.dumps({"fingerprint": "older templates"}))
    publish(client, liaison, other["id"], ["en"])
    run_worker(app, burst=True)
    assert first_page.read_bytes() == reader_answer(app, f"/en/summaries/{first['slug']}")[1]
    assert not stray.exists()
    assert build.stored_fingerprint(site) == build.current_fingerprint(app)


def test_the_fingerprint_follows_every_template_byte(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ x }}</p>")
    before = writer.fingerprint([folder], "reader-4")
    (folder / "page.html").write_text("<p>{{ x }} </p>")
    assert writer.fingerprint([folder], "reader-4") != before
    assert writer.fingerprint([folder], "reader-5") != writer.fingerprint([folder], "reader-4")


def test_no_file_stands_for_a_path_outside_the_site(tmp_path):
    for path in ("/../etc/passwd", "/en/summaries/..", "/en/%2e%2e/x", "/en/x.html", "/en/ x"):
        assert writer.file_for(tmp_path, path) is None, path
    assert writer.file_for(tmp_path, "/en/") == tmp_path / "en" / "index.html"
    assert writer.file_for(tmp_path, "/en/feed.atom") == tmp_path / "en" / "feed.atom"


@BOTH
def test_the_build_command_writes_the_site_and_says_when_it_is_current(app, client, desk, site):
    made = desk["summary"]
    approve_segments(client, desk["translator"], made["translations"]["ja"]["id"])
    publish(client, desk["liaison"], made["id"], ["en", "ja"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["static", "build"])
    assert result.exit_code == 0, result.output
    assert "pages written" in result.output
    (site / writer.BUILD_FILE).unlink()
    shutil.rmtree(site / "ja")
    with app.app_context():  # as a job or a command runs: inside the app's context
        build.build_all(app, db.session, site)
    # Each page in its own language, whatever language the page before it was in.
    for path in ("/en/", "/ja/", f"/en/summaries/{made['slug']}", f"/ja/summaries/{made['slug']}"):
        target = writer.file_for(site, path)
        assert target is not None
        assert target.read_bytes() == reader_answer(app, path)[1], path
    again = runner.invoke(args=["static", "build", "--if-changed"])
    assert again.exit_code == 0 and "up to date" in again.output


def test_the_build_command_needs_the_setting(make_app):
    app = make_app(STATIC_SITE_DIR="")
    result = app.test_cli_runner().invoke(args=["static", "build"])
    assert result.exit_code == 2
    assert "STATIC_SITE_DIR" in result.output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_conf(site: Path, app_port: int, port: int) -> str:
    """deploy/nginx.conf as shipped, with this machine's folder and ports put in."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in (
        ("/srv/kakehashi/site", str(site)),
        ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        ("listen 8080", f"listen 127.0.0.1:{port}"),
        ("worker_processes auto", "worker_processes 1"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    # Run as root (a container), nginx's workers would be `nobody`, who cannot enter pytest's
    # private temporary folders; the test's own nginx reads them as the test's user.
    return ("user root;\n" if os.geteuid() == 0 else "") + text


@contextlib.contextmanager
def private_nginx(prefix: Path, conf: str, port: int):
    """A private nginx (its own prefix, pid and temp folders), stopped afterwards."""
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(conf)
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    args = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    log = prefix / "stderr.log"
    with log.open("wb") as errors:
        proc = subprocess.Popen([*args, "-g", "daemon off;"], stderr=errors)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.05)
        else:
            raise AssertionError(log.read_text())
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def fetch(url: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


_NGINX = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")


@pytest.mark.skipif(
    not _NGINX, reason="nginx is not installed (apt-get install nginx; `make browser` does)"
)
def test_through_a_real_nginx_pages_come_from_files_and_a_withdrawal_is_410(
    make_app, site, tmp_path
):
    app_port, port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    app = make_app(
        STATIC_SITE_DIR=str(site),
        PHOTOS_DIR=str(tmp_path / "photos"),
        BASE_URL=base,
    )
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    made = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    publish(client, liaison, made["id"], ["en"])
    run_worker(app, burst=True)
    server = make_server("127.0.0.1", app_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with private_nginx(tmp_path / "nginx", nginx_conf(site, app_port, port), port):
            page = f"{base}/en/summaries/{made['slug']}"
            status, headers, body = fetch(page)
            assert status == 200
            assert "X-Request-ID" not in headers  # nginx answered from the file
            assert body == reader_answer(app, f"/en/summaries/{made['slug']}")[1]
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
            # A signed-in person's request, a query string, search: the app's.
            assert "X-Request-ID" in fetch(page, cookie="session=x")[1]
            assert "X-Request-ID" in fetch(f"{base}/en/?before=zz")[1]
            assert "X-Request-ID" in fetch(f"{base}/en/search?q=Koizumi")[1]
            # Not written in Japanese: the app's own 404.
            assert fetch(f"{base}/ja/summaries/{made['slug']}")[0] == 404
            feed = fetch(f"{base}/en/feed.atom")
            assert feed[1]["Content-Type"].startswith("application/atom+xml")
            assert "X-Request-ID" not in feed[1]

            withdraw(client, liaison, made["id"], ["en"])
            run_worker(app, burst=True)
            status, headers, body = fetch(page)
            assert status == 410
            assert made["slug"].encode() not in fetch(f"{base}/en/")[2]
    finally:
        server.shutdown()
