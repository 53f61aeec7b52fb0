"""Presence: who has a translation open and which segment they last saved.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 16:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_saved_key", sa.String(length=100), nullable=True),
        sa.Column("last_saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["translation_id"], ["translations.id"], name=op.f("fk_presence_translation_id_translations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_presence_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence")),
        sa.UniqueConstraint("translation_id", "user_id", name=op.f("uq_presence_translation_id_user_id")),
    )
    op.create_index(op.f("ix_presence_translation_id"), "presence", ["translation_id"])


def downgrade():
    op.drop_index(op.f("ix_presence_translation_id"), table_name="presence")
    op.drop_table("presence")
