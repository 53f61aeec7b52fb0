"""Service-level tests: one schema per database for the whole run, each test inside a
transaction that is rolled back, so a test costs milliseconds instead of a fresh database.

Services take their session and never commit, which is what makes this possible: the test's
session joins an outer transaction on one connection (`join_transaction_mode`), and whatever the
services flush, their subscribers included, is rolled back when the test ends.
"""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from tests.conftest import POSTGRES_URL, reset_postgres
from webapp import create_app
from webapp.extensions import db

_APPS: dict[str, object] = {}


@pytest.fixture
def service_app(backend, tmp_path_factory):
    """One app and schema per database for the run (the test order keeps a module together)."""
    app = _APPS.get(backend)
    if app is not None:
        with app.app_context():  # another test may have reset the shared PostgreSQL database
            if not inspect(db.engine).has_table("summaries"):
                db.create_all()
    else:
        if backend == "postgresql":
            reset_postgres(POSTGRES_URL)
            url = POSTGRES_URL
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('services') / 'services.sqlite3'}"
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
        with app.app_context():
            db.create_all()
        _APPS[backend] = app
    return app


@pytest.fixture
def session(service_app):
    """A session whose every change is rolled back after the test."""
    with service_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        s = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield s
        finally:
            s.close()
            outer.rollback()
            connection.close()
