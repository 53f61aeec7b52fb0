"""Questions on a summary or one of its segments, their answers and mentions.

Revision ID: 0025_questions
Revises: 0024_schedule
Create Date: 2026-12-07 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_questions"
down_revision = "0024_schedule"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("translation_id", sa.Integer(), nullable=True),
        sa.Column("segment_translation_id", sa.Integer(), nullable=True),
        sa.Column("segment_key", sa.String(length=100), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "resolved", name="questionstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["summaries.id"],
            name=op.f("fk_questions_summary_id_summaries"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"], ["translations.id"],
            name=op.f("fk_questions_translation_id_translations"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_translation_id"], ["segment_translations.id"],
            name=op.f("fk_questions_segment_translation_id_segment_translations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"],
            name=op.f("fk_questions_author_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"],
            name=op.f("fk_questions_resolved_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )  # fmt: skip
    op.create_index("ix_questions_summary_state", "questions", ["summary_id", "state"])
    op.create_index(op.f("ix_questions_translation_id"), "questions", ["translation_id"])
    op.create_table(
        "question_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"],
            name=op.f("fk_question_answers_question_id_questions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"],
            name=op.f("fk_question_answers_author_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_answers")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_question_answers_question_id"), "question_answers", ["question_id"]
    )
    op.create_table(
        "question_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"],
            name=op.f("fk_question_mentions_question_id_questions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_question_mentions_user_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_mentions")),
        sa.UniqueConstraint(
            "question_id", "user_id", name=op.f("uq_question_mentions_question_id_user_id")
        ),
    )  # fmt: skip


def downgrade():
    op.drop_table("question_mentions")
    op.drop_index(op.f("ix_question_answers_question_id"), table_name="question_answers")
    op.drop_table("question_answers")
    op.drop_index(op.f("ix_questions_translation_id"), table_name="questions")
    op.drop_index("ix_questions_summary_state", table_name="questions")
    op.drop_table("questions")
