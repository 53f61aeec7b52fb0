"""The queue under load: 4 worker processes on PostgreSQL drain 10,000 no-op jobs.

DESIGN.md section 7: every job done exactly once; with one worker SIGKILLed mid-job, its job is
taken over within 30 s (the default 25 s lease, renewed by the heartbeat every third of it).
Real `serve()` worker processes (the loop `flask worker` runs), real claims, leases, heartbeats
and LISTEN/NOTIFY; the only bench-specific part is the job kind: a no-op that records its run in
the same transaction as the job's DONE, so a duplicate would show as a second row.

Run: .venv/bin/python bench/queue.py   (BENCH_POSTGRES_URL, default the kakehashi_bench database,
created when missing; its public schema is dropped and rebuilt)
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and this file would shadow the standard
# library's `queue` for everything imported below.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from sqlalchemy import create_engine, insert, text  # noqa: E402

from bench.databases import BENCH_POSTGRES_URL, bench_postgres_url  # noqa: E402

URL = BENCH_POSTGRES_URL  # the workers get it as BENCH_POSTGRES_URL; main() creates it first
JOBS = int(os.environ.get("BENCH_JOBS", "10000"))
WORKERS = 4
KIND = "bench_noop"
TIMEOUT = 600
VICTIM_AFTER = JOBS // 20  # the victim runs this many jobs, then hangs in the next one


def register_noop() -> None:
    """The bench's job kind: record the run in the job's own transaction."""
    from webapp.jobs.registry import JobHandler, register

    victim = os.environ.get("BENCH_VICTIM_FILE")
    done = {"n": 0}

    def run(session, payload, app) -> None:
        if victim and done["n"] >= VICTIM_AFTER:
            job_id = session.execute(
                text("SELECT id FROM jobs WHERE locked_by = :me AND status = 'running'"),
                {"me": os.environ["BENCH_WORKER"]},
            ).scalar_one()
            Path(victim).write_text(str(job_id))
            while True:  # mid-job, until SIGKILL; the heartbeat keeps the lease meanwhile
                time.sleep(1)
        session.execute(
            text("INSERT INTO bench_runs (n, worker) VALUES (:n, :w)"),
            {"n": payload["n"], "w": os.environ["BENCH_WORKER"]},
        )
        done["n"] += 1

    register(JobHandler(kind=KIND, run=run))


def worker_main(name: str) -> None:
    """One worker process: the real serve() loop until SIGTERM."""
    from webapp import create_app
    from webapp.jobs.worker import serve

    register_noop()
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL})
    handled = serve(app, worker_id=name)
    print(json.dumps({"worker": name, "handled": handled}), flush=True)


def machine() -> str:
    return (
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}, "
        f"PostgreSQL {server_version()}"
    )


def server_version() -> str:
    engine = create_engine(URL)
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
    engine.dispose()
    return version


def fresh_database():
    """An empty schema with the app's tables, 10,000 queued no-op jobs and the runs table."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.jobs.models import Job

    engine = create_engine(URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL})
    with app.app_context():
        db.create_all()
        db.session.execute(text("CREATE TABLE bench_runs (n INTEGER NOT NULL, worker TEXT)"))
        now = datetime.now(UTC)
        db.session.execute(
            insert(Job),
            [
                {
                    "kind": KIND,
                    "payload": {"n": i},
                    "status": "queued",
                    "attempts": 0,
                    "run_after": now,
                    "created_at": now,
                }
                for i in range(JOBS)
            ],
        )
        db.session.commit()
    return app


def start_workers(tmp: Path, victim_file: Path | None) -> dict[str, subprocess.Popen]:
    procs = {}
    for i in range(WORKERS):
        name = f"bench-{i}"
        env = {
            **os.environ,
            "BENCH_WORKER": name,
            "BENCH_POSTGRES_URL": URL,
            "KAKEHASHI_INSTANCE_DIR": str(tmp),
        }
        env.pop("BENCH_VICTIM_FILE", None)
        if victim_file is not None and i == 0:
            env["BENCH_VICTIM_FILE"] = str(victim_file)
        with (tmp / f"{name}.log").open("wb") as log:
            procs[name] = subprocess.Popen(
                [sys.executable, "-m", "bench.queue", "--worker", name],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
    return procs


def scalar(app, sql: str, **params):
    from webapp.extensions import db

    with app.app_context():
        value = db.session.execute(text(sql), params).scalar()
        db.session.remove()
        return value


def wait_for(check, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def stop(procs: dict[str, subprocess.Popen]) -> dict[str, int]:
    """SIGTERM every live worker; each must exit 0."""
    codes = {}
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for name, proc in procs.items():
        proc.wait(timeout=60)
        codes[name] = proc.returncode
    return codes


def run(scenario: str) -> dict:
    app = fresh_database()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        victim_file = tmp / "victim-job" if scenario == "sigkill" else None
        started = time.monotonic()
        procs = start_workers(tmp, victim_file)
        killed: dict = {}
        try:
            if victim_file is not None:
                wait_for(victim_file.exists, "the victim's hang")
                job_id = int(wait_for(lambda: victim_file.read_text().strip(), "the job id"))
                procs["bench-0"].send_signal(signal.SIGKILL)
                killed_at = datetime.now(UTC)
                procs["bench-0"].wait(timeout=30)
                killed = {"job": job_id, "at": killed_at}
            wait_for(
                lambda: scalar(app, "SELECT count(*) FROM jobs WHERE status = 'done'") == JOBS,
                "every job done",
            )
            elapsed = time.monotonic() - started
        finally:
            codes = stop(procs)
        reports = [
            json.loads(line)
            for name, proc in procs.items()
            if name != "bench-0" or not killed
            for line in proc.stdout.read().splitlines()
            if line.startswith("{")
        ]
    result = {
        "scenario": scenario,
        "elapsed": elapsed,
        "runs": scalar(app, "SELECT count(*) FROM bench_runs"),
        "distinct": scalar(app, "SELECT count(DISTINCT n) FROM bench_runs"),
        "done": scalar(app, "SELECT count(*) FROM jobs WHERE status = 'done'"),
        "retried": scalar(app, "SELECT count(*) FROM jobs WHERE attempts > 1"),
        "drain": scalar(
            app, "SELECT EXTRACT(EPOCH FROM max(finished_at) - min(started_at)) FROM jobs"
        ),
        "per_worker": {r["worker"]: r["handled"] for r in reports},
        "exit_codes": codes,
    }
    if killed:
        taken_at = scalar(app, "SELECT started_at FROM jobs WHERE id = :id", id=killed["job"])
        result["takeover"] = (taken_at - killed["at"]).total_seconds()
        result["victim_job_attempts"] = scalar(
            app, "SELECT attempts FROM jobs WHERE id = :id", id=killed["job"]
        )
        result["victim_job_by"] = scalar(
            app, "SELECT locked_by FROM jobs WHERE id = :id", id=killed["job"]
        )
    from webapp.extensions import db

    with app.app_context():
        db.engine.dispose()
    return result


def report(r: dict) -> None:
    once = r["runs"] == r["distinct"] == r["done"] == JOBS
    print(f"\n[{r['scenario']}] {JOBS} no-op jobs, {WORKERS} worker processes")
    rate = JOBS / r["drain"]
    print(f"  drained in {r['drain']:.2f} s (first claim to last finish): {rate:.0f} jobs/s")
    print(f"  wall time including worker start-up: {r['elapsed']:.2f} s")
    print(f"  jobs done {r['done']}, runs recorded {r['runs']}, distinct jobs run {r['distinct']}")
    print(f"  every job ran exactly once: {'yes' if once else 'NO'}")
    print(f"  jobs retried (attempts > 1): {r['retried']}")
    print(f"  per surviving worker: {r['per_worker']}")
    print(f"  exit codes after SIGTERM: {r['exit_codes']}")
    if "takeover" in r:
        met = "met" if r["takeover"] <= 30 else "MISSED"
        print(
            f"  SIGKILLed bench-0 mid-job; job taken over after {r['takeover']:.1f} s "
            f"(attempt {r['victim_job_attempts']}, by {r['victim_job_by']}); "
            f"target <= 30 s: {met}"
        )


def main() -> None:
    bench_postgres_url()  # the database exists before the workers connect
    print(f"Queue benchmark on {machine()}")
    print("Defaults: lease 25 s, heartbeat every third of it, poll 1 s, LISTEN/NOTIFY wake-up")
    results = [run("clean"), run("sigkill")]
    for r in results:
        report(r)
    clean = results[0]
    print(
        f"\nSUMMARY jobs/s={JOBS / clean['drain']:.0f} exactly_once="
        f"{all(r['runs'] == r['distinct'] == JOBS for r in results)} "
        f"takeover_s={results[1]['takeover']:.1f} "
        f"median_worker_share={statistics.median(clean['per_worker'].values()):.0f}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2])
    else:
        main()
