"""Queue hardening: the dead-letter state, attempt times, and the workers table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 18:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
    # Claims walk (status, run_after, id) and stop at the first row, however long the queue.
    op.drop_index("ix_jobs_claim", table_name="jobs")
    op.create_index("ix_jobs_claim", "jobs", ["status", "run_after", "id"])
    # A given-up job was "failed"; it is now dead-lettered (same meaning, and retryable).
    op.execute("UPDATE jobs SET status = 'dead' WHERE status = 'failed'")
    op.create_table(
        "workers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("host", sa.String(length=100), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_job_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
        sa.UniqueConstraint("name", name=op.f("uq_workers_name")),
    )


def downgrade():
    op.drop_table("workers")
    op.execute("UPDATE jobs SET status = 'failed' WHERE status = 'dead'")
    op.drop_index("ix_jobs_claim", table_name="jobs")
    op.create_index("ix_jobs_claim", "jobs", ["status", "run_after"])
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("started_at")
        batch.drop_column("failed_at")
