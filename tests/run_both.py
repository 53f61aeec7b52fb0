"""`make test`: every test on SQLite and, beside it, every one that uses a database on PostgreSQL.

Each pass covers one database (TEST_BACKEND, see tests/conftest.py): tests marked
`backends("sqlite", "postgresql")` run once in each, the browser and database-free tests in the
SQLite pass only. The PostgreSQL pass gets a database of its own, created here and dropped
afterwards; the two run side by side (TEST_PASSES_IN_PARALLEL=0 runs them one after the other).
When no server answers, the local one is started (`pg_ctlcluster`); when there is none, the
PostgreSQL half is skipped with a message, unless REQUIRE_POSTGRES=1 (CI), which fails instead.

Usage: python tests/run_both.py [pytest arguments...]
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SERVER = os.environ.get("TEST_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")


def reachable() -> bool:
    engine = create_engine(f"{SERVER}/postgres", connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False
    finally:
        engine.dispose()


def start_local_server() -> None:
    """Debian's clusters, started without systemd (containers have none)."""
    clusters = Path("/etc/postgresql")
    if not shutil.which("pg_ctlcluster") or not clusters.is_dir():
        return
    for version in sorted(p.name for p in clusters.iterdir()):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            check=False,
            capture_output=True,
        )
    for _ in range(20):
        if reachable():
            return
        time.sleep(1)


def admin(sql: str) -> None:
    engine = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


# Each pass names its slowest tests, so the suite's time budget (20 minutes on 2 cores) has
# a list to start from when it grows.
SLOWEST = "--durations=15"


def pytest(args: list[str], **env: str) -> int:
    command = [sys.executable, "-m", "pytest", "-q", SLOWEST, *args]
    return subprocess.run(command, env={**os.environ, **env}, check=False).returncode


def main(args: list[str]) -> int:
    # A stopped run (CI timeout, Ctrl-C in another terminal) still drops its database: SIGTERM
    # becomes SystemExit, which kills the pytest child and runs the `finally` below.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    if not reachable():
        start_local_server()
    if not reachable():
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            print(f"PostgreSQL is required here but does not answer at {SERVER}.", flush=True)
            return 1
        print(
            "\n*** No PostgreSQL server answers: running on SQLite only. ***\n"
            f"*** Start one at {SERVER} to test both databases. ***\n",
            flush=True,
        )
        return pytest(args, TEST_POSTGRES_URL="")
    database = f"kakehashi_test_{os.getpid()}"
    url = make_url(f"{SERVER}/{database}").render_as_string(hide_password=False)
    admin(f'CREATE DATABASE "{database}"')
    # Its own temporary folder too: two pytest processes must not share (or clean) one.
    second_tmp = tempfile.mkdtemp(prefix="kakehashi-postgresql-pass-")
    first_env = {"TEST_BACKEND": "sqlite", "TEST_POSTGRES_URL": url}  # its tests leave it alone
    second_args = [*args, "-m", "not browser", f"--basetemp={second_tmp}"]
    second_env = {"TEST_BACKEND": "postgresql", "TEST_POSTGRES_URL": url}
    try:
        if os.environ.get("TEST_PASSES_IN_PARALLEL", "1") == "1":
            # The two passes share nothing (the first only names the database), so on a machine
            # of two cores they run side by side; the second one's report follows the first one's.
            print(
                f"==> Every test on SQLite; beside it, every test that uses a database on "
                f"PostgreSQL ({database})",
                flush=True,
            )
            with tempfile.TemporaryFile("w+") as report:
                command = [sys.executable, "-m", "pytest", "-q", SLOWEST, *second_args]
                beside = subprocess.Popen(
                    command, env={**os.environ, **second_env}, stdout=report, stderr=report
                )
                try:
                    first = pytest(args, **first_env)
                    second = beside.wait()
                finally:
                    if beside.poll() is None:
                        beside.kill()
                        beside.wait()
                report.seek(0)
                print(f"==> The same on PostgreSQL ({database})", flush=True)
                print(report.read(), flush=True)
        else:
            print("==> Every test on SQLite", flush=True)
            first = pytest(args, **first_env)
            print(f"==> Every test that uses a database, on PostgreSQL ({database})", flush=True)
            second = pytest(second_args, **second_env)
    finally:
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(second_tmp, ignore_errors=True)
    return first or second


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
