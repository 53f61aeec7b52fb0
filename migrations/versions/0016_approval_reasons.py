"""Approvals over quality warnings keep the translator's reason and the checks they overrode.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25 21:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("segment_changes") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("waived", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("segment_changes") as batch:
        batch.drop_column("waived")
        batch.drop_column("reason")
