"""Security follow-ups: the audit log names the shell account behind a `flask ...` command.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-26 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("operator", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("operator")
