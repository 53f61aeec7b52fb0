"""Public changes: a topic renamed or removed moves the reader cache's generation by a row of its
own, written by a subscriber of the event, instead of by matching audit action names.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "public_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_changes")),
    )


def downgrade():
    op.drop_table("public_changes")
