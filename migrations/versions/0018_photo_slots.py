"""Imported photo blocks become photos waiting for their files.

A photo row may now have no file yet: its file columns are NULL until the liaison uploads the
image into it. The words stay in the revision's `photos` list, as for every photo.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The columns that describe the file, as 0012 created them.
FILE_COLUMNS = (
    ("storage", sa.String(length=64)),
    ("format", sa.String(length=8)),
    ("width", sa.Integer()),
    ("height", sa.Integer()),
    ("sha256", sa.String(length=64)),
    ("bytes", sa.Integer()),
)


def upgrade():
    with op.batch_alter_table("photos") as batch:
        for name, type_ in FILE_COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=True)


def downgrade():
    # The old schema cannot hold a photo without a file: those rows go (their words stay in the
    # revisions, where the old code skips an entry whose row is missing).
    op.execute(sa.text("DELETE FROM photos WHERE storage IS NULL"))
    with op.batch_alter_table("photos") as batch:
        for name, type_ in FILE_COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=False)
