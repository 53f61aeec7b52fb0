"""Term marks: the glossary terms and names the app placed in a machine draft because the
engine dropped them, kept with the draft so the review page can say so (issue 20, item 4).

Revision ID: 0038_term_marks
Revises: 0037_mt_eval
Create Date: 2026-12-08 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0038_term_marks"
down_revision = "0037_mt_eval"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("segment_translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inserted_terms", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("segment_translations", schema=None) as batch_op:
        batch_op.drop_column("inserted_terms")
