"""Old slugs that redirect after a rename; the staff UI language per user.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 19:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "slug_redirects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("old_slug", sa.String(length=120), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["summary_id"], ["summaries.id"], name=op.f("fk_slug_redirects_summary_id_summaries"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slug_redirects")),
        sa.UniqueConstraint("old_slug", name=op.f("uq_slug_redirects_old_slug")),
    )
    op.create_index(op.f("ix_slug_redirects_summary_id"), "slug_redirects", ["summary_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("ui_locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("ui_locale")
    op.drop_index(op.f("ix_slug_redirects_summary_id"), table_name="slug_redirects")
    op.drop_table("slug_redirects")
