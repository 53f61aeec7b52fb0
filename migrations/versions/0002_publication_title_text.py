"""Publication titles as TEXT: an approved title translation may be longer than its source.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("publications") as batch:
        batch.alter_column("title", type_=sa.Text(), existing_type=sa.String(600))


def downgrade():
    with op.batch_alter_table("publications") as batch:
        batch.alter_column("title", type_=sa.String(600), existing_type=sa.Text())
