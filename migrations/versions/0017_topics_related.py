"""Topics (a vocabulary named in every locale) and each revision's topics and related summaries.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-25 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("slug", name=op.f("uq_topics_slug")),
    )
    with op.batch_alter_table("revisions") as batch:
        # Existing revisions have no topics and no related summaries.
        batch.add_column(sa.Column("topics", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("related", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("related")
        batch.drop_column("topics")
    op.drop_table("topics")
