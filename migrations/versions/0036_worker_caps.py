"""Workers by capability: the job kinds a worker takes, and for machine translation the pairs in
its model folder, its device and compute type (issue 20, item 5).

Revision ID: 0036_worker_caps
Revises: 0031_memory
Create Date: 2026-12-07 23:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0036_worker_caps"
down_revision = "0031_memory"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kinds", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pairs", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("device", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("compute_type", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_column("compute_type")
        batch_op.drop_column("device")
        batch_op.drop_column("pairs")
        batch_op.drop_column("kinds")
