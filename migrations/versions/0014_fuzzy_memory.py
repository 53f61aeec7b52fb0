"""Fuzzy translation memory: trigram indexes over memory source text (FTS5 / pg_trgm).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 21:20:00

No table or column changes: close matches are found through a trigram index beside the models
(webapp/translation/fuzzy.py describes both, and autogenerate leaves them alone). On SQLite an
external-content FTS5 table follows translation_memory through triggers and is filled here from
the existing rows, with an fts5vocab table of trigram counts beside it; on PostgreSQL a pg_trgm
GIN index serves the `%` similarity operator.
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE memory_fts USING fts5("
    "source_text, content='translation_memory', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE memory_fts_vocab USING fts5vocab(memory_fts, 'row')",
    "CREATE TRIGGER translation_memory_ai AFTER INSERT ON translation_memory BEGIN "
    "INSERT INTO memory_fts(rowid, source_text) VALUES (new.id, new.source_text); END",
    "CREATE TRIGGER translation_memory_ad AFTER DELETE ON translation_memory BEGIN "
    "INSERT INTO memory_fts(memory_fts, rowid, source_text) "
    "VALUES ('delete', old.id, old.source_text); END",
    "CREATE TRIGGER translation_memory_au AFTER UPDATE OF source_text ON translation_memory BEGIN "
    "INSERT INTO memory_fts(memory_fts, rowid, source_text) "
    "VALUES ('delete', old.id, old.source_text); "
    "INSERT INTO memory_fts(rowid, source_text) VALUES (new.id, new.source_text); END",
    "INSERT INTO memory_fts(memory_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS translation_memory_au",
    "DROP TRIGGER IF EXISTS translation_memory_ad",
    "DROP TRIGGER IF EXISTS translation_memory_ai",
    "DROP TABLE IF EXISTS memory_fts_vocab",
    "DROP TABLE IF EXISTS memory_fts",
)
POSTGRES_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_translation_memory_source_trgm "
    "ON translation_memory USING gin (source_text gin_trgm_ops)",
)
POSTGRES_DOWN = ("DROP INDEX IF EXISTS ix_translation_memory_source_trgm",)


def upgrade():
    dialect = op.get_bind().dialect.name
    for sql in SQLITE_UP if dialect == "sqlite" else POSTGRES_UP if dialect == "postgresql" else ():
        op.execute(sql)


def downgrade():
    dialect = op.get_bind().dialect.name
    for sql in (
        SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN if dialect == "postgresql" else ()
    ):
        op.execute(sql)
