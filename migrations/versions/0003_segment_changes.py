"""Segment history: every change to a segment translation as an append-only row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KINDS = ("save", "approve", "machine", "memory", "source_changed", "restore")


def upgrade():
    op.create_table(
        "segment_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_translation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="changekind", native_enum=False, length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.Enum("pending", "draft", "approved", name="segmentstatus", native_enum=False, length=20), nullable=False),
        sa.Column("origin", sa.Enum("mt", "tm", "human", name="origin", native_enum=False, length=20), nullable=True),
        sa.Column("engine", sa.String(length=40), nullable=True),
        sa.Column("model_version", sa.String(length=200), nullable=True),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_segment_changes_actor_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["segment_translation_id"], ["segment_translations.id"], name=op.f("fk_segment_changes_segment_translation_id_segment_translations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_changes")),
    )
    op.create_index("ix_segment_changes_segment", "segment_changes", ["segment_translation_id", "id"])


def downgrade():
    op.drop_index("ix_segment_changes_segment", table_name="segment_changes")
    op.drop_table("segment_changes")
