"""Close memory matches kept per source sentence, so the review page reads them instead of
searching a large memory on every open (issue 23, item 5).

Revision ID: 0047_memory_ttfb
Revises: 0046_mtops
Create Date: 2026-12-08 01:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0047_memory_ttfb"
down_revision = "0046_mtops"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "memory_candidates",
        sa.Column("source_locale", sa.String(length=8), nullable=False),
        sa.Column("target_locale", sa.String(length=8), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_ids", sa.Text(), server_default="", nullable=False),
        sa.Column("seen_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "source_locale", "target_locale", "source_hash", name=op.f("pk_memory_candidates")
        ),
    )


def downgrade():
    op.drop_table("memory_candidates")
