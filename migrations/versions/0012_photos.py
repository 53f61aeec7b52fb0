"""Photos: the files of a summary's photos; the words about them in each revision.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 18:40:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("storage", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sizes", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["summary_id"],
            ["summaries.id"],
            name=op.f("fk_photos_summary_id_summaries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_photos_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("storage", name=op.f("uq_photos_storage")),
    )
    op.create_index(op.f("ix_photos_summary_id"), "photos", ["summary_id"])
    with op.batch_alter_table("revisions") as batch:
        # Existing revisions have no photos.
        batch.add_column(sa.Column("photos", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("photos")
    op.drop_index(op.f("ix_photos_summary_id"), table_name="photos")
    op.drop_table("photos")
