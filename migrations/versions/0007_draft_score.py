"""The engine's confidence in each machine draft (mean log-probability per token).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("segment_translations") as batch:
        batch.add_column(sa.Column("score", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("segment_translations") as batch:
        batch.drop_column("score")
