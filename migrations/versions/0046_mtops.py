"""Candidate packages waiting for their evaluation, in the database so any worker reads them.

Revision ID: 0046_mtops
Revises: 0045_invites
Create Date: 2026-12-08 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0046_mtops"
# The brief names 0035_idempotency; this worktree's head is 0038_term_marks (the lead re-chains).
down_revision = "0045_invites"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mt_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mt_candidates")),
    )  # fmt: skip
    op.create_index(op.f("ix_mt_candidates_job_id"), "mt_candidates", ["job_id"])
    op.create_table(
        "mt_candidate_chunks",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["mt_candidates.id"],
            name=op.f("fk_mt_candidate_chunks_candidate_id_mt_candidates"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "seq", name=op.f("pk_mt_candidate_chunks")),
    )  # fmt: skip


def downgrade():
    op.drop_table("mt_candidate_chunks")
    op.drop_index(op.f("ix_mt_candidates_job_id"), table_name="mt_candidates")
    op.drop_table("mt_candidates")
