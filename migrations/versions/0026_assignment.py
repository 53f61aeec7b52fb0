"""Assignment and deadlines: whose translation it is, and by when it is needed.

Revision ID: 0026_assign
Revises: 0025_questions
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0026_assign"
down_revision = "0025_questions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("translations") as batch:
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("needed_by", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_translations_assignee_id_users"),
            "users",
            ["assignee_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_translations_assignee_id"), ["assignee_id"])


def downgrade():
    with op.batch_alter_table("translations") as batch:
        batch.drop_index(op.f("ix_translations_assignee_id"))
        batch.drop_constraint(op.f("fk_translations_assignee_id_users"), type_="foreignkey")
        batch.drop_column("needed_by")
        batch.drop_column("assignee_id")
