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


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(
    empty_database, app_config
):
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


def test_migrations_keep_the_rows_already_there(empty_database, app_config):
    """A migration that rebuilds a table (SQLite's batch mode) with foreign keys on deletes every
    row that cascades from it: adding a column with a foreign key to `translations` once emptied
    `segment_translations`. The demo is loaded at the head; every migration since 0022 is then
    taken down and up again over it."""
    from sqlalchemy import func, select

    from webapp.translation.models import SegmentTranslation

    app = create_app(app_config)
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
        assert runner.invoke(args=["demo", "load"]).exit_code == 0
        before = db.session.scalar(select(func.count(SegmentTranslation.id)))
        db.session.remove()
        downgrade(revision="0022")
        upgrade()
        after = db.session.scalar(select(func.count(SegmentTranslation.id)))
        db.session.remove()
        db.engine.dispose()
    assert before > 0 and after == before
