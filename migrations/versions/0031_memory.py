"""Translation memory entries know where they came from, whether they are approved, and their use.

Revision ID: 0031_memory
Revises: 0028_webhooks
Create Date: 2026-12-07 22:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0031_memory"
down_revision = "0028_webhooks"
branch_labels = None
depends_on = None

# SQLite's batch mode copies the table into a new one, which drops its triggers: the memory's
# trigram index (0014) is kept in step again, and rebuilt from the copied rows.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS translation_memory_ai AFTER INSERT ON translation_memory BEGIN "
    "INSERT INTO memory_fts(rowid, source_text) VALUES (new.id, new.source_text); END",
    "CREATE TRIGGER IF NOT EXISTS translation_memory_ad AFTER DELETE ON translation_memory BEGIN "
    "INSERT INTO memory_fts(memory_fts, rowid, source_text) "
    "VALUES ('delete', old.id, old.source_text); END",
    "CREATE TRIGGER IF NOT EXISTS translation_memory_au AFTER UPDATE OF source_text "
    "ON translation_memory BEGIN "
    "INSERT INTO memory_fts(memory_fts, rowid, source_text) "
    "VALUES ('delete', old.id, old.source_text); "
    "INSERT INTO memory_fts(rowid, source_text) VALUES (new.id, new.source_text); END",
    "INSERT INTO memory_fts(memory_fts) VALUES ('rebuild')",
)


def _sqlite_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for sql in SQLITE_TRIGGERS:
            op.execute(sql)


def upgrade():
    with op.batch_alter_table("translation_memory") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=20), server_default="approved", nullable=False)
        )
        batch.add_column(sa.Column("origin_file", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("imported_by", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("approved", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(sa.Column("use_count", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_translation_memory_created_by_id_users"), "users",
            ["created_by_id"], ["id"], ondelete="SET NULL",
        )  # fmt: skip
        batch.create_foreign_key(
            op.f("fk_translation_memory_updated_by_id_users"), "users",
            ["updated_by_id"], ["id"], ondelete="SET NULL",
        )  # fmt: skip
    # Every entry so far was approved here: it was created when it was last approved, by them.
    op.execute(
        "UPDATE translation_memory SET created_at = updated_at, created_by_id = approved_by_id, "
        "updated_by_id = approved_by_id"
    )
    _sqlite_triggers()


def downgrade():
    with op.batch_alter_table("translation_memory") as batch:
        batch.drop_constraint(op.f("fk_translation_memory_updated_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_translation_memory_created_by_id_users"), type_="foreignkey")
        for name in (
            "updated_by_id", "created_by_id", "created_at", "last_used_at", "use_count",
            "approved", "imported_by", "origin_file", "origin",
        ):  # fmt: skip
            batch.drop_column(name)
    _sqlite_triggers()
