"""Draft edits: how far each approved text moved from the machine draft it began as.

Approvals made before this migration are not measured; the figures start from the upgrade.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25 21:40:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draft_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_change_id", sa.Integer(), nullable=False),
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("source_locale", sa.String(length=8), nullable=False),
        sa.Column("target_locale", sa.String(length=8), nullable=False),
        sa.Column("engine", sa.String(length=40), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("normalized", sa.Float(), nullable=False),
        sa.Column("unchanged", sa.Boolean(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_edits")),
        sa.UniqueConstraint("draft_change_id", name=op.f("uq_draft_edits_draft_change_id")),
    )


def downgrade():
    op.drop_table("draft_edits")
