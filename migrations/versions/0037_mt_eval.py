"""Model evaluations: installed and candidate models scored on approved segments.

Revision ID: 0037_mt_eval
Revises: 0035_idempotency
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0037_mt_eval"
down_revision = "0035_idempotency"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mt_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_locale", sa.String(length=8), nullable=False),
        sa.Column("target_locale", sa.String(length=8), nullable=False),
        sa.Column("installed_model", sa.String(length=200), nullable=True),
        sa.Column("installed_sha256", sa.String(length=64), nullable=True),
        sa.Column("candidate_model", sa.String(length=200), nullable=True),
        sa.Column("candidate_sha256", sa.String(length=64), nullable=True),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mt_evaluations")),
    )  # fmt: skip
    op.create_index(
        "ix_mt_evaluations_pair", "mt_evaluations", ["source_locale", "target_locale", "id"]
    )


def downgrade():
    op.drop_index("ix_mt_evaluations_pair", table_name="mt_evaluations")
    op.drop_table("mt_evaluations")
