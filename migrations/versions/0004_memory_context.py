"""Translation memory context: neighbouring hashes on memory entries, the match on segments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FK = "fk_segment_translations_memory_entry_id_translation_memory"


def upgrade():
    with op.batch_alter_table("translation_memory") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("next_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("segment_translations") as batch:
        batch.add_column(sa.Column("memory_entry_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(FK, "translation_memory", ["memory_entry_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("segment_translations") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.drop_column("memory_entry_id")
    with op.batch_alter_table("translation_memory") as batch:
        batch.drop_column("next_hash")
        batch.drop_column("prev_hash")
