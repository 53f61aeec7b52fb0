"""Operations: /healthz, /readyz, /metrics and who may scrape it, request ids, JSON logs."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.factories import staff_headers
from webapp import create_app
from webapp.core import metrics
from webapp.core.logs import JsonFormatter, assign_request_id
from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.registry import JobHandler, register
from webapp.jobs.worker import run_worker
from webapp.ops.readiness import script_heads

ROOT = Path(__file__).resolve().parents[2]
register(JobHandler(kind="test_ops_noop", run=lambda session, payload, app: None))
HEAD = max(script_heads(str(ROOT / "migrations")))


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.backends("sqlite", "postgresql")
def test_readyz_reports_the_database_the_schema_and_the_installed_pairs(app, client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    body = resp.json
    assert body["status"] == "ready" and body["database"] == "ok"
    # Built by create_all, as in these tests: no alembic_version to compare.
    assert body["migrations"] == {"state": "unknown", "head": [HEAD]}
    assert {"en-ja", "ja-en"} <= set(body["mt_pairs"])

    with app.app_context():
        db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        db.session.execute(text("INSERT INTO alembic_version VALUES ('0009')"))
        db.session.commit()
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.json["status"] == "unavailable"
    assert behind.json["migrations"]["current"] == ["0009"]
    assert behind.json["migrations"]["head"] == [HEAD]
    assert "db upgrade" in behind.json["migrations"]["fix"]

    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": HEAD})
        db.session.commit()
    at_head = client.get("/readyz")
    assert at_head.status_code == 200
    assert at_head.json["migrations"] == {"state": "head", "current": [HEAD]}


def test_readyz_is_503_when_the_database_does_not_answer(app_config):
    app = create_app(
        {
            **app_config,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.json["status"] == "unavailable"
    assert resp.json["database"].startswith("unreachable")
    assert "nobody" not in resp.get_data(as_text=True)  # no connection details leak
    with app.app_context():
        db.engine.dispose()


def test_readyz_with_no_model_installed_is_ready_and_says_so(make_app, tmp_path):
    app = make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "none"))
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 200 and resp.json["mt_pairs"] == []


# /metrics: a token of someone who may see jobs, or an allowed address; nothing else.


@pytest.mark.backends("sqlite", "postgresql")
def test_metrics_with_an_admin_token_counts_requests_latency_jobs_and_the_queue(app, client):
    admin = staff_headers(app, "admin")
    before = metrics.JOB_DURATION.labels("test_ops_noop", "done")._sum.get()
    with app.app_context():
        queue.enqueue(db.session, "test_ops_noop", {})
        queue.enqueue(db.session, "test_ops_noop", {})
        db.session.commit()
    assert run_worker(app, burst=True) == 2
    with app.app_context():
        queue.enqueue(db.session, "test_ops_noop", {})
        db.session.commit()
    healthz = metrics.REQUESTS.labels("ops.healthz", "GET", "200")
    counted = healthz._value.get()
    client.get("/healthz")
    assert healthz._value.get() == counted + 1  # the registry is process-wide: count this one
    resp = client.get("/metrics", headers=admin)
    assert resp.status_code == 200
    assert resp.content_type.startswith("text/plain")
    body = resp.get_data(as_text=True)
    assert 'kakehashi_http_requests_total{endpoint="ops.healthz",method="GET",status="200"}' in body
    assert 'kakehashi_http_request_duration_seconds_bucket{endpoint="ops.healthz",le=' in body
    assert 'kakehashi_jobs{state="done"} 2.0' in body
    assert 'kakehashi_jobs{state="queued"} 1.0' in body
    assert 'kakehashi_jobs{state="dead"} 0.0' in body
    assert "kakehashi_workers_alive 0.0" in body  # the burst worker stopped
    assert 'kakehashi_job_duration_seconds_count{kind="test_ops_noop",outcome="done"}' in body
    assert metrics.JOB_DURATION.labels("test_ops_noop", "done")._sum.get() > before


def test_metrics_refuses_no_token_and_a_token_that_may_not_see_jobs(app, client):
    assert client.get("/metrics").status_code == 401
    liaison = staff_headers(app, "liaison")
    assert client.get("/metrics", headers=liaison).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer nonsense"}).status_code == 401


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("10.1.2.3", True),
        ("192.0.2.7", True),
        ("192.0.2.8", False),
        ("2001:db8::1", True),
        ("172.16.0.1", False),
        ("127.0.0.1", False),
        ("::ffff:10.1.2.3", False),
    ],
)
def test_metrics_answers_allowed_addresses_without_a_token(make_app, address, allowed):
    app = make_app(METRICS_ALLOW_FROM="10.0.0.0/8, 192.0.2.7,2001:db8::/32")
    resp = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert resp.status_code == (200 if allowed else 401)
    if allowed:
        assert "kakehashi_jobs{" in resp.get_data(as_text=True)


@pytest.mark.parametrize("value", ["10.0.0.0/33", "example.org", "10.0.0.1, nonsense"])
def test_a_malformed_metrics_allow_from_stops_the_app_naming_the_entry(app_config, value):
    with pytest.raises(RuntimeError, match="METRICS_ALLOW_FROM"):
        create_app({**app_config, "METRICS_ALLOW_FROM": value})


def test_machine_translation_is_counted_per_pair():
    sample = 'kakehashi_mt_segments_total{pair="xx-yy"}'
    metrics.observe_mt("xx", "yy", segments=7, seconds=0.5, output_tokens=90)
    from prometheus_client import generate_latest

    body = generate_latest().decode()
    assert f"{sample} 7.0" in body
    assert 'kakehashi_mt_output_tokens_total{pair="xx-yy"} 90.0' in body


def test_multiprocess_mode_adds_up_what_every_process_counted(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR set (as gunicorn.conf.py does), a scrape sums all processes."""
    shared = tmp_path / "prom"
    shared.mkdir()
    code = (
        "from webapp import create_app; from webapp.extensions import db\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.sqlite3',"
        " 'METRICS_ALLOW_FROM': '127.0.0.1'})\n"
        "with app.app_context(): db.create_all()\n"
        "c = app.test_client(); c.get('/healthz'); c.get('/healthz')\n"
        "print(c.get('/metrics').get_data(as_text=True))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "KAKEHASHI_INSTANCE_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
    }
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert any(shared.glob("counter_*.db"))
    line = 'kakehashi_http_requests_total{endpoint="ops.healthz",method="GET",status="200"}'
    assert f"{line} 2.0" in runs[0].stdout
    assert f"{line} 4.0" in runs[1].stdout  # the first process's two requests and its own


# Request ids and JSON logs


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("edge-7f3a.b:2", True), ("", False), ("x" * 129, False), ("a b", False), ("<script>", False)],
)
def test_every_answer_carries_a_request_id_echoed_when_sane(client, sent, kept):
    resp = client.get("/healthz", headers={"X-Request-ID": sent} if sent else {})
    got = resp.headers["X-Request-ID"]
    if kept:
        assert got == sent
    else:
        assert got != sent and len(got) == 32 and all(c in "0123456789abcdef" for c in got)


def test_an_error_answer_carries_a_request_id_too(client):
    resp = client.get("/en/summaries/no-such-summary", headers={"X-Request-ID": "trace-404"})
    assert resp.status_code == 404 and resp.headers["X-Request-ID"] == "trace-404"


def test_a_json_log_line_holds_the_request_id(app):
    with app.test_request_context("/en/", headers={"X-Request-ID": "req-42"}):
        assign_request_id()
        record = logging.LogRecord(
            "webapp.x", logging.WARNING, __file__, 1, "hello %s", ("ja",), None
        )
        entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello ja" and entry["level"] == "WARNING"
    assert entry["request_id"] == "req-42" and entry["path"] == "/en/"


def test_log_format_json_writes_one_json_object_per_line_to_stderr(tmp_path):
    code = (
        "import logging; from webapp import create_app; from webapp.extensions import db\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.sqlite3'}})\n"
        "with app.app_context(): db.create_all()\n"
        "@app.get('/boom')\n"
        "def boom(): logging.getLogger('webapp.test').warning('seen %s', 'here'); return 'ok'\n"
        "app.test_client().get('/boom', headers={'X-Request-ID': 'json-1'})\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "KAKEHASHI_INSTANCE_DIR": str(tmp_path),
            "LOG_FORMAT": "json",
        },
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stderr.splitlines() if line.strip()]
    (seen,) = [e for e in lines if e["logger"] == "webapp.test"]
    assert seen["message"] == "seen here" and seen["request_id"] == "json-1"


def test_an_unknown_log_format_stops_the_app(app_config):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        create_app({**app_config, "LOG_FORMAT": "xml"})


def test_the_scrape_permission_is_declared_for_the_route_walk(app):
    from webapp.core.permissions import Permission

    assert app.view_functions["ops.scrape_metrics"].permission == Permission.SEE_JOBS
