"""Sign-off before publishing: a second publisher's word on one revision; why a release was held.

Revision ID: 0029_signoff
Revises: 0026_assign
Create Date: 2026-12-07 22:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0029_signoff"
down_revision = "0026_assign"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "via",
            sa.Enum("signoff", "publish", "schedule", name="signoffvia", native_enum=False,
                    length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["summaries.id"],
            name=op.f("fk_signoffs_summary_id_summaries"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"],
            name=op.f("fk_signoffs_revision_id_revisions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_signoffs_user_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signoffs")),
        sa.UniqueConstraint(
            "summary_id", "revision_id", "user_id",
            name=op.f("uq_signoffs_summary_id_revision_id_user_id"),
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_signoffs_summary_id"), "signoffs", ["summary_id"])
    with op.batch_alter_table("scheduled_releases") as batch:
        batch.add_column(sa.Column("held_reason", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("scheduled_releases") as batch:
        batch.drop_column("held_reason")
    op.drop_index(op.f("ix_signoffs_summary_id"), table_name="signoffs")
    op.drop_table("signoffs")
