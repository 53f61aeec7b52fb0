"""Creation keys: a summary is created once per form token or API Idempotency-Key.

Revision ID: 0035_idempotency
Revises: 0031_memory
Create Date: 2026-12-07 23:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0035_idempotency"
down_revision = "0036_worker_caps"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "creation_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["summaries.id"],
            name=op.f("fk_creation_keys_summary_id_summaries"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_creation_keys_user_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_creation_keys")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_creation_keys_user_id_key")),
    )  # fmt: skip
    op.create_index(op.f("ix_creation_keys_summary_id"), "creation_keys", ["summary_id"])
    op.create_index(op.f("ix_creation_keys_created_at"), "creation_keys", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_creation_keys_created_at"), table_name="creation_keys")
    op.drop_index(op.f("ix_creation_keys_summary_id"), table_name="creation_keys")
    op.drop_table("creation_keys")
