"""The reader index: searchable text and list facets of current publications.

Rows are derived from publications at publish time and can be rebuilt at any moment
(`flask search reindex`). Readers' queries always join `publications.is_current`, so a
withdrawn or replaced snapshot is never found even before its rows are cleaned up.
"""

from __future__ import annotations

from sqlalchemy import DDL, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import Model

# SQLite: an FTS5 trigram index over search_documents.text, kept in step by triggers.
# PostgreSQL: a pg_trgm GIN index, which serves ILIKE '%term%' for terms of 3+ characters.
# Neither is described by the models; migrations create them and the migration test skips them.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "text, content='search_documents', content_rowid='publication_id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.publication_id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) "
    "VALUES ('delete', old.publication_id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) "
    "VALUES ('delete', old.publication_id, old.text); "
    "INSERT INTO search_fts(rowid, text) VALUES (new.publication_id, new.text); END",
)
SQLITE_FTS_DROP = (
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TABLE IF EXISTS search_fts",
)
POSTGRES_TRGM = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_text_trgm "
    "ON search_documents USING gin (text gin_trgm_ops)",
)
POSTGRES_TRGM_DROP = ("DROP INDEX IF EXISTS ix_search_documents_text_trgm",)

# The archive's months: current publications counted per (locale, 'YYYY-MM'), kept by triggers
# on publications, so every writer (publish, withdraw, a restore, the scale generator) keeps it
# and the archive page reads a few hundred rows instead of counting every publication (50,000
# summaries: 4.8x the p95 of 100). Months whose count fell to 0 stay as rows; readers skip them.
# `archive_month_counts_rows` fills it from the publications a migration finds.
ARCHIVE_COUNTS_TABLE = (
    "CREATE TABLE IF NOT EXISTS archive_month_counts ("
    "locale VARCHAR(8) NOT NULL, month VARCHAR(7) NOT NULL, count INTEGER NOT NULL, "
    "PRIMARY KEY (locale, month))"
)
SQLITE_ARCHIVE_COUNTS = (
    ARCHIVE_COUNTS_TABLE,
    "CREATE TRIGGER IF NOT EXISTS archive_month_counts_ai AFTER INSERT ON publications "
    "WHEN new.is_current BEGIN "
    "INSERT INTO archive_month_counts (locale, month, count) "
    "VALUES (new.locale, substr(new.meeting_date, 1, 7), 1) "
    "ON CONFLICT (locale, month) DO UPDATE SET count = count + 1; END",
    "CREATE TRIGGER IF NOT EXISTS archive_month_counts_ad AFTER DELETE ON publications "
    "WHEN old.is_current BEGIN "
    "UPDATE archive_month_counts SET count = count - 1 "
    "WHERE locale = old.locale AND month = substr(old.meeting_date, 1, 7); END",
    "CREATE TRIGGER IF NOT EXISTS archive_month_counts_au "
    "AFTER UPDATE OF is_current, locale, meeting_date ON publications BEGIN "
    "UPDATE archive_month_counts SET count = count - 1 "
    "WHERE old.is_current AND locale = old.locale AND month = substr(old.meeting_date, 1, 7); "
    "INSERT INTO archive_month_counts (locale, month, count) "
    "SELECT new.locale, substr(new.meeting_date, 1, 7), 1 WHERE new.is_current "
    "ON CONFLICT (locale, month) DO UPDATE SET count = count + 1; END",
)
SQLITE_ARCHIVE_COUNTS_DROP = (
    "DROP TRIGGER IF EXISTS archive_month_counts_au",
    "DROP TRIGGER IF EXISTS archive_month_counts_ad",
    "DROP TRIGGER IF EXISTS archive_month_counts_ai",
    "DROP TABLE IF EXISTS archive_month_counts",
)
POSTGRES_ARCHIVE_COUNTS = (
    ARCHIVE_COUNTS_TABLE,
    "CREATE OR REPLACE FUNCTION archive_month_counts_track() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP IN ('UPDATE', 'DELETE') THEN IF OLD.is_current THEN "
    "UPDATE archive_month_counts SET count = count - 1 "
    "WHERE locale = OLD.locale AND month = to_char(OLD.meeting_date, 'YYYY-MM'); "
    "END IF; END IF; "
    "IF TG_OP IN ('INSERT', 'UPDATE') THEN IF NEW.is_current THEN "
    "INSERT INTO archive_month_counts (locale, month, count) "
    "VALUES (NEW.locale, to_char(NEW.meeting_date, 'YYYY-MM'), 1) "
    "ON CONFLICT (locale, month) DO UPDATE SET count = archive_month_counts.count + 1; "
    "END IF; END IF; "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS archive_month_counts_track ON publications",
    "CREATE TRIGGER archive_month_counts_track "
    "AFTER INSERT OR DELETE OR UPDATE OF is_current, locale, meeting_date ON publications "
    "FOR EACH ROW EXECUTE FUNCTION archive_month_counts_track()",
)
POSTGRES_ARCHIVE_COUNTS_DROP = (
    "DROP TRIGGER IF EXISTS archive_month_counts_track ON publications",
    "DROP FUNCTION IF EXISTS archive_month_counts_track()",
    "DROP TABLE IF EXISTS archive_month_counts",
)


def archive_counts_fill(dialect: str) -> str:
    """SQL that counts, into the empty table, the current publications a migration finds."""
    month = (
        "substr(meeting_date, 1, 7)" if dialect == "sqlite" else "to_char(meeting_date, 'YYYY-MM')"
    )
    return (
        "INSERT INTO archive_month_counts (locale, month, count) "
        f"SELECT locale, {month}, count(*) FROM publications WHERE is_current "
        f"GROUP BY locale, {month}"
    )


def is_search_index(name: str | None) -> bool:
    """Objects the migrations make beside the models (FTS5 tables, trigram indexes).

    Translation memory's (webapp/translation/fuzzy.py, migration 0014) and the archive's month
    counts are named here too.
    """
    return bool(name) and (
        str(name).startswith(("search_fts", "memory_fts", "archive_month_counts"))
        or str(name) in ("ix_search_documents_text_trgm", "ix_translation_memory_source_trgm")
    )


class SearchDocument(Model):
    """The text a reader can search for one publication (title, lede, body, quotes, names)."""

    __tablename__ = "search_documents"

    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    locale: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)


class PublicationTag(Model):
    """A list facet of one publication: a country code or a participant's name in its locale.

    `key` names the same thing in every locale (the country code, the participant's name as the
    source was written), so the language switcher can find the same list in the other language.
    """

    __tablename__ = "publication_tags"
    __table_args__ = (
        Index("ix_publication_tags_lookup", "locale", "kind", "label"),
        Index("ix_publication_tags_key", "kind", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(String(300))


for _sql in SQLITE_FTS:
    event.listen(SearchDocument.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in POSTGRES_TRGM:
    event.listen(
        SearchDocument.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql")
    )
for _sql in SQLITE_FTS_DROP + SQLITE_ARCHIVE_COUNTS_DROP:
    event.listen(SearchDocument.__table__, "before_drop", DDL(_sql).execute_if(dialect="sqlite"))
# Publications exist by now: search_documents refers to them.
for _sql in SQLITE_ARCHIVE_COUNTS:
    event.listen(SearchDocument.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in POSTGRES_ARCHIVE_COUNTS:
    event.listen(
        SearchDocument.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql")
    )
for _sql in POSTGRES_ARCHIVE_COUNTS_DROP:
    event.listen(
        SearchDocument.__table__, "before_drop", DDL(_sql).execute_if(dialect="postgresql")
    )
