"""Scheduled releases: languages published together at a time, by a job, exactly once.

Revision ID: 0024_schedule
Revises: 0023_tz
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_schedule"
down_revision = "0023_tz"
branch_labels = None
depends_on = None

OPEN = "state IN ('pending', 'held')"


def upgrade():
    op.create_table(
        "scheduled_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("locales", sa.JSON(), nullable=False),
        sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("policy", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outstanding", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["summary_id"],
            ["summaries.id"],
            name=op.f("fk_scheduled_releases_summary_id_summaries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_scheduled_releases_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_releases")),
    )
    op.create_index(
        "ix_scheduled_releases_summary_id", "scheduled_releases", ["summary_id"], unique=False
    )
    op.create_index(
        "uq_scheduled_releases_open",
        "scheduled_releases",
        ["summary_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index("uq_scheduled_releases_open", table_name="scheduled_releases")
    op.drop_index("ix_scheduled_releases_summary_id", table_name="scheduled_releases")
    op.drop_table("scheduled_releases")
