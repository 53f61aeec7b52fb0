"""Reader search folds accents, width, case and kana: the indexed text is stored folded.

Revision ID: 0039_search_fold
Revises: 0038_term_marks
Create Date: 2026-12-08 01:10:00

No schema change: every search document is re-indexed, folded (webapp/search/folding.py). On
SQLite the triggers of 0011 keep the FTS5 trigram index in step with each update; PostgreSQL's
trigram index follows the rows. The downgrade writes the unfolded text back from each
publication's snapshot. Both functions are frozen copies, as they were at this revision.
"""

import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0039_search_fold"
down_revision = "0038_term_marks"
branch_labels = None
depends_on = None

BATCH = 1000
_VOICING = frozenset("\u3099\u309a")
_KATAKANA_TO_HIRAGANA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)} | {
    0x30FD: 0x309D,
    0x30FE: 0x309E,
}

documents = sa.table(
    "search_documents",
    sa.column("publication_id", sa.Integer),
    sa.column("text", sa.Text),
)
publications = sa.table("publications", sa.column("id", sa.Integer), sa.column("content", sa.JSON))
public_changes = sa.table(
    "public_changes",
    sa.column("reason", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _move_generation(reason):
    """What searches find changed: a public change moves the site's generation, so no kept
    search answer or page made before is served again (a running process keeps them)."""
    op.get_bind().execute(
        public_changes.insert().values(reason=reason, created_at=datetime.now(UTC))
    )


def _fold_once(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFD", text)
        if ch in _VOICING or unicodedata.category(ch) != "Mn"
    )
    return unicodedata.normalize("NFC", kept).translate(_KATAKANA_TO_HIRAGANA)


def fold(text):
    folded = _fold_once(text)
    return folded if folded.isascii() else _fold_once(folded)


def document_text(content):
    parts = [content.get("title", ""), content.get("lede", "")]
    parts += content.get("paragraphs", [])
    quotes = [q for q in content.get("quotes", []) if not q.get("in_text")]
    parts += [q.get("text", "") for q in quotes]
    parts += [q.get("speaker", "") for q in quotes]
    parts += [f"{p.get('name', '')} {p.get('role', '')}" for p in content.get("participants", [])]
    parts.append(content.get("location", ""))
    return "\n".join(p for p in parts if p)


def _rewrite(query, text_of):
    """Every document, a batch at a time in id order: text = text_of(row)."""
    bind = op.get_bind()
    update = (
        documents.update()
        .where(documents.c.publication_id == sa.bindparam("pid"))
        .values(text=sa.bindparam("new_text"))
    )
    last = 0
    while True:
        rows = bind.execute(
            query.where(documents.c.publication_id > last)
            .order_by(documents.c.publication_id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed = [
            {"pid": row[0], "new_text": new}
            for row in rows
            if (new := text_of(row)) != row[1]
        ]
        if changed:
            bind.execute(update, changed)
        last = rows[-1][0]


def upgrade():
    _rewrite(
        sa.select(documents.c.publication_id, documents.c.text),
        lambda row: fold(row[1]),
    )
    _move_generation("search.folded")


def downgrade():
    _rewrite(
        sa.select(documents.c.publication_id, documents.c.text, publications.c.content).join(
            publications, publications.c.id == documents.c.publication_id
        ),
        lambda row: document_text(row[2] or {}),
    )
    _move_generation("search.unfolded")
