"""Fixtures: a fresh real database per test (SQLite file, or PostgreSQL where a test asks)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import create_engine, text

from tests.argos_builder import (  # noqa: F401
    argos_archives,
    argos_package_builder,
    argos_packages_dir,
    argos_packages_for,
)
from webapp import create_app
from webapp.accounts import passwords
from webapp.domains import import_models
from webapp.extensions import db
from webapp.search.models import is_search_index

# Real argon2id, at the cost argon2-cffi provides for tests: the app's parameters spend about
# 0.12 s per hash and per sign-in by design, and the suite makes thousands of both.
passwords.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


# A pass of `make test` (tests/run_both.py) covers one database, named by TEST_BACKEND: every test
# on it that uses a database, and on SQLite the ones that use none. Without it (a developer's
# `pytest`), unmarked tests run on SQLite and marked ones on each database they name.
ONLY_BACKEND = os.environ.get("TEST_BACKEND") or None
DEFAULT_BACKEND = ONLY_BACKEND or "sqlite"
NO_POSTGRES = pytest.param("postgresql", marks=pytest.mark.skip(reason="no PostgreSQL server here"))


def pytest_generate_tests(metafunc):
    """Tests marked `backends(...)` run once per database; the rest on DEFAULT_BACKEND."""
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        backends = marker.args if marker else (DEFAULT_BACKEND,)
        if not POSTGRES_URL:  # no server on this machine: tests/run_both.py said so loudly
            backends = tuple(b for b in backends if b != "postgresql") or (NO_POSTGRES,)
        metafunc.parametrize("backend", backends)


def pytest_collection_modifyitems(config, items):
    """Under TEST_BACKEND, keep only that database's tests (and, on SQLite, database-free ones)."""
    if not ONLY_BACKEND:
        return
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        ours = backend == ONLY_BACKEND or (backend is None and ONLY_BACKEND == "sqlite")
        (kept if ours else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_configure(config):
    config.addinivalue_line("markers", "backends(*names): run on each named database")
    compile_catalogs()


def compile_catalogs() -> None:
    """Tests read the .po files as they are now, as `make catalogs` would compile them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        # Written aside and moved into place: the other pass of `make test` may be reading it.
        fd, partial = tempfile.mkstemp(dir=po.parent, suffix=".partial.mo")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.replace(partial, po.with_suffix(".mo"))


def reset_postgres(url: str) -> None:
    """An empty public schema, so each test starts from nothing."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _model_tables() -> list[str]:
    import_models()
    return [table.name for table in db.metadata.sorted_tables]


def empty_postgres_tables(url: str) -> bool:
    """Empty every table when the schema is exactly the models' (what the last test left);
    False when it is not (missing, altered, stamped by Alembic), and nothing was done.

    This runs before every PostgreSQL test, and costs a fraction of dropping the schema and
    creating it again; identities start from 1 again, as in a new schema."""
    wanted = _model_tables()
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            there = set(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )
            besides = {name for name in there - set(wanted) if is_search_index(name)}
            if there - besides != set(wanted):
                return False
            # DELETE, not TRUNCATE: a few rows in small tables go at once, where TRUNCATE makes
            # new files for every table and index (slower here than a new schema).
            for name in [*sorted(besides), *reversed(wanted)]:
                conn.execute(text(f'DELETE FROM "{name}"'))
            conn.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n"
                    " ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = 'public'"
                )
            )
            return True
    finally:
        engine.dispose()


_SQLITE_TEMPLATE: list[Path] = []


def sqlite_schema_copy(path: Path) -> None:
    """Put an empty schema at `path` by copying one made once per run (create_all, FTS tables
    and triggers included), instead of building it again for every test."""
    if not _SQLITE_TEMPLATE:
        template = Path(tempfile.mkdtemp(prefix="kakehashi-schema-")) / "schema.sqlite3"
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}", "SECRET_KEY": "t"}
        )
        with app.app_context():
            db.create_all()
            db.engine.dispose()  # the last connection checkpoints the WAL into the file
        _SQLITE_TEMPLATE.append(template)
    shutil.copyfile(_SQLITE_TEMPLATE[0], path)


def prepare_schema(url: str) -> None:
    """Give this test's database the models' schema, with no rows, the cheapest way there is."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            sqlite_schema_copy(path)
    elif not empty_postgres_tables(url):
        reset_postgres(url)


@pytest.fixture
def database_url(backend, tmp_path) -> str:
    """This test's database: on SQLite a file not yet made, on PostgreSQL the shared database as
    the last test left it. `make_app` gives it the schema; tests that build their own (the
    migrations) ask for `empty_database` instead."""
    if backend == "postgresql":
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def empty_database(database_url, backend) -> str:
    """A database with no schema at all, for tests that run the migrations themselves."""
    if backend == "postgresql":
        reset_postgres(database_url)
    return database_url


@pytest.fixture
def app_config(database_url, tmp_path, argos_packages_dir):  # noqa: F811
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ARGOS_PACKAGES_DIR": str(argos_packages_dir),
        "JOB_BACKOFF_SECONDS": 0,
        "WORKER_POLL_SECONDS": 0.01,
        "SECRET_KEY": "test-secret",
    }


@pytest.fixture
def make_app(app_config):
    """Build apps on this test's database with extra settings; the schema is created once."""
    made = []

    def build(**overrides):
        if not made:
            prepare_schema(app_config["SQLALCHEMY_DATABASE_URI"])
        app = create_app({**app_config, **overrides})
        with app.app_context():
            db.create_all()  # nothing to do (one cheap query) unless a test changed the schema
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app with an empty schema; no context stays pushed, so each request gets its own."""
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page, as a browser would send it."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
