"""`make test`: the whole suite on SQLite, then every unmarked test again on PostgreSQL.

Tests marked `backends("sqlite", "postgresql")` run on both in the first pass. The PostgreSQL half
gets a database of its own, created here and dropped afterwards. When no server answers, the local
one is started (`pg_ctlcluster`); when there is none, the PostgreSQL half is skipped with a
message, unless REQUIRE_POSTGRES=1 (CI), which fails instead.

Usage: python tests/run_both.py [pytest arguments...]
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
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


def pytest(args: list[str], **env: str) -> int:
    command = [sys.executable, "-m", "pytest", "-q", *args]
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
    name = f"kakehashi_test_{os.getpid()}"
    url = make_url(f"{SERVER}/{name}").render_as_string(hide_password=False)
    admin(f'CREATE DATABASE "{name}"')
    try:
        print(f"==> SQLite, and PostgreSQL for the tests marked for both ({name})", flush=True)
        first = pytest(args, TEST_POSTGRES_URL=url)
        print("==> Every other test again on PostgreSQL", flush=True)
        second = pytest(
            [*args, "-m", "not backends and not browser"],
            TEST_POSTGRES_URL=url,
            TEST_BACKEND="postgresql",
        )
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return first or second


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
