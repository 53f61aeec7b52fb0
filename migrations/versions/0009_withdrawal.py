"""Withdrawal of a published summary per locale, with its reason.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 18:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["summary_id"], ["summaries.id"], name=op.f("fk_withdrawals_summary_id_summaries"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["publication_id"], ["publications.id"], name=op.f("fk_withdrawals_publication_id_publications"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["users.id"], name=op.f("fk_withdrawals_withdrawn_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawals")),
    )
    op.create_index(op.f("ix_withdrawals_summary_id"), "withdrawals", ["summary_id"])
    op.create_index("ix_withdrawals_slug_locale", "withdrawals", ["slug", "locale"])


def downgrade():
    op.drop_index("ix_withdrawals_slug_locale", table_name="withdrawals")
    op.drop_index(op.f("ix_withdrawals_summary_id"), table_name="withdrawals")
    op.drop_table("withdrawals")
