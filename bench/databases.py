"""The PostgreSQL database the benchmarks use: BENCH_POSTGRES_URL, by default `kakehashi_bench`
on the local server, created when it is missing (each benchmark empties it before it starts)."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BENCH_POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kakehashi_bench"
)


def bench_postgres_url() -> str:
    """BENCH_POSTGRES_URL, its database created first if the server does not have it."""
    url = make_url(BENCH_POSTGRES_URL)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            known = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if not known:
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        server.dispose()
    return url.render_as_string(hide_password=False)
