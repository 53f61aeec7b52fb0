"""The Alembic migrations build exactly the schema the models describe, and tear it down."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from webapp import create_app
from webapp.extensions import db
from webapp.search.models import is_search_index

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def _not_search_index(obj, name, type_, reflected, compare_to):
    """The FTS5 tables and the trigram index live beside the models on purpose."""
    return not is_search_index(name)


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(app_config):
    app = create_app(app_config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": _not_search_index}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], diff
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
