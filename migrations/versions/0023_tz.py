"""Each person's time zone (an IANA name), so staff pages show times where they work.

Revision ID: 0023_tz
Revises: 0022
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0023_tz"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")
