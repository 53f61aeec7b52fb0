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


def is_search_index(name: str | None) -> bool:
    """Objects the migrations make beside the models (FTS5 tables, trigram indexes).

    Translation memory's (webapp/translation/fuzzy.py, migration 0014) are named here too.
    """
    return bool(name) and (
        str(name).startswith(("search_fts", "memory_fts"))
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
for _sql in SQLITE_FTS_DROP:
    event.listen(SearchDocument.__table__, "before_drop", DDL(_sql).execute_if(dialect="sqlite"))
