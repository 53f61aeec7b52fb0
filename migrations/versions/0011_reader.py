"""Reader search index and lists: search documents, list facets, FTS5 / pg_trgm indexes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 18:40:00

Existing publications are not indexed here (their text is JSON the migration would have to
rebuild); run `flask --app wsgi search reindex` once after upgrading a database that has some.
"""
from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "text, content='search_documents', content_rowid='publication_id', tokenize='trigram')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.publication_id, new.text); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) "
    "VALUES ('delete', old.publication_id, old.text); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) "
    "VALUES ('delete', old.publication_id, old.text); "
    "INSERT INTO search_fts(rowid, text) VALUES (new.publication_id, new.text); END",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TABLE IF EXISTS search_fts",
)
POSTGRES_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_documents_text_trgm ON search_documents USING gin (text gin_trgm_ops)",
)
POSTGRES_DOWN = ("DROP INDEX IF EXISTS ix_search_documents_text_trgm",)


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("publication_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"], ["publications.id"],
            name=op.f("fk_search_documents_publication_id_publications"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("publication_id", name=op.f("pk_search_documents")),
    )
    op.create_table(
        "publication_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"], ["publications.id"],
            name=op.f("fk_publication_tags_publication_id_publications"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_tags")),
    )
    op.create_index(
        op.f("ix_publication_tags_publication_id"), "publication_tags", ["publication_id"]
    )
    op.create_index("ix_publication_tags_lookup", "publication_tags", ["locale", "kind", "label"])
    op.create_index("ix_publication_tags_key", "publication_tags", ["kind", "key"])
    dialect = op.get_bind().dialect.name
    for sql in SQLITE_UP if dialect == "sqlite" else POSTGRES_UP if dialect == "postgresql" else ():
        op.execute(sql)


def downgrade():
    dialect = op.get_bind().dialect.name
    for sql in (
        SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN if dialect == "postgresql" else ()
    ):
        op.execute(sql)
    op.drop_index("ix_publication_tags_key", table_name="publication_tags")
    op.drop_index("ix_publication_tags_lookup", table_name="publication_tags")
    op.drop_index(op.f("ix_publication_tags_publication_id"), table_name="publication_tags")
    op.drop_table("publication_tags")
    op.drop_table("search_documents")
