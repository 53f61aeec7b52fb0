"""Close matches from translation memory: approved pairs whose source is like a new sentence.

The score is the character-level normalised Levenshtein similarity of the two source texts
(rapidfuzz: 1 - edits / the longer text's length), so it needs no word boundaries and serves
Japanese as well as English. Matches of at least 70% are offered, best first, three at most;
the exact match is left out (memory already fills the segment with it).

Candidates come from a trigram index, so a lookup stays fast with hundreds of thousands of
entries, and only they are scored. PostgreSQL: a pg_trgm GIN index and the `%` operator (trigram
similarity above pg_trgm.similarity_threshold, 0.3 by default, well below what a 70% match has),
nearest first, per locale pair. SQLite: an FTS5 trigram table; each sentence asks for its
rarest trigrams (by the fts5vocab counts, up to a budget of postings, so common trigrams cannot
make a lookup scan the whole memory) and takes the best-ranked rows. All segments of a page are
looked up together: one statement for the candidates, one for their entries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from rapidfuzz.distance import Levenshtein
from sqlalchemy import DDL, bindparam, event, select, text

from webapp.accounts.models import User
from webapp.core.db import DbSession
from webapp.core.errors import ValidationError
from webapp.languages.diff import Piece, source_diff
from webapp.translation import memory, review
from webapp.translation.models import MemoryEntry, SegmentTranslation, Translation

THRESHOLD = 0.70
SHOWN = 3
CANDIDATES = 30  # rows per sentence the index hands over for scoring
POSTINGS_BUDGET = 20_000  # SQLite: rows the chosen trigrams may name in all
CHUNK = 100  # sentences per statement

# Beside the models, like search's indexes: the migration 0014 creates them on existing databases.
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS memory_fts USING fts5("
    "source_text, content='translation_memory', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS memory_fts_vocab USING fts5vocab(memory_fts, 'row')",
    "CREATE TRIGGER IF NOT EXISTS translation_memory_ai AFTER INSERT ON translation_memory BEGIN "
    "INSERT INTO memory_fts(rowid, source_text) VALUES (new.id, new.source_text); END",
    "CREATE TRIGGER IF NOT EXISTS translation_memory_ad AFTER DELETE ON translation_memory BEGIN "
    "INSERT INTO memory_fts(memory_fts, rowid, source_text) "
    "VALUES ('delete', old.id, old.source_text); END",
    "CREATE TRIGGER IF NOT EXISTS translation_memory_au AFTER UPDATE OF source_text "
    "ON translation_memory BEGIN "
    "INSERT INTO memory_fts(memory_fts, rowid, source_text) "
    "VALUES ('delete', old.id, old.source_text); "
    "INSERT INTO memory_fts(rowid, source_text) VALUES (new.id, new.source_text); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS translation_memory_au",
    "DROP TRIGGER IF EXISTS translation_memory_ad",
    "DROP TRIGGER IF EXISTS translation_memory_ai",
    "DROP TABLE IF EXISTS memory_fts_vocab",
    "DROP TABLE IF EXISTS memory_fts",
)
POSTGRES_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_translation_memory_source_trgm "
    "ON translation_memory USING gin (source_text gin_trgm_ops)",
)

for _sql in SQLITE_DDL:
    event.listen(MemoryEntry.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in POSTGRES_DDL:
    event.listen(MemoryEntry.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
for _sql in SQLITE_DROP:
    event.listen(MemoryEntry.__table__, "before_drop", DDL(_sql).execute_if(dialect="sqlite"))

# Digits with their inner separators: "1,200", "3.5", "2026"; full-width digits count too.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Match:
    """One close match as offered to the translator."""

    entry: MemoryEntry
    score: float  # 0.7 .. <1
    diff: list[Piece]  # the match's source -> the new source
    target: str  # the match's target, with a differing number replaced where that is sure
    replaced: tuple[str, str] | None = None  # (number in the match, number put in its place)

    @property
    def percent(self) -> int:
        # Rounded down, so a 69.6% never shows as the 70% the threshold promises.
        return int(self.score * 100)


def similarity(a: str, b: str) -> float:
    """Normalised character-level Levenshtein similarity (1 is identical)."""
    return Levenshtein.normalized_similarity(a, b)


def substitute_number(new_source: str, match_source: str, target: str) -> tuple[str, str, str]:
    """The target with the one differing number replaced, and (old, new); unchanged if unsure.

    Only when exactly one number differs on each side and the old one occurs once in the target.
    """
    new_numbers, old_numbers = (
        Counter(_NUMBER.findall(new_source)),
        Counter(_NUMBER.findall(match_source)),
    )
    added = list((new_numbers - old_numbers).elements())
    gone = list((old_numbers - new_numbers).elements())
    if len(added) != 1 or len(gone) != 1:
        return target, "", ""
    old, new = gone[0], added[0]
    found = [m for m in _NUMBER.finditer(target) if m.group() == old]
    if len(found) != 1:
        return target, "", ""
    m = found[0]
    return target[: m.start()] + new + target[m.end() :], old, new


def _trigrams(value: str) -> list[str]:
    """Distinct trigrams as the FTS5 trigram tokenizer folds them (case-insensitive)."""
    low = value.lower()
    return list(dict.fromkeys(low[i : i + 3] for i in range(len(low) - 2)))


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_candidates(session: DbSession, sources: list[str]) -> list[set[int]]:
    """Rows sharing each sentence's rarest trigrams, best bm25 rank first."""
    grams = [_trigrams(s) for s in sources]
    every = sorted({g for gs in grams for g in gs})
    counts: dict[str, int] = {}
    for i in range(0, len(every), 500):
        part = every[i : i + 500]
        rows = session.execute(
            text("SELECT term, doc FROM memory_fts_vocab WHERE term IN :terms").bindparams(
                bindparam("terms", expanding=True)
            ),
            {"terms": part},
        )
        counts.update({term: doc for term, doc in rows})
    queries: list[tuple[int, str]] = []
    for index, gs in enumerate(grams):
        chosen: list[str] = []
        total = 0
        for g in sorted((g for g in gs if g in counts), key=lambda g: counts[g]):
            if chosen and total + counts[g] > POSTINGS_BUDGET:
                break
            chosen.append(g)
            total += counts[g]
        if chosen:
            queries.append((index, " OR ".join(_fts_string(g) for g in chosen)))
    found: list[set[int]] = [set() for _ in sources]
    for i in range(0, len(queries), CHUNK):
        batch = queries[i : i + CHUNK]
        sql = " UNION ALL ".join(
            f"SELECT {index} AS k, id FROM (SELECT rowid AS id FROM memory_fts "
            f"WHERE memory_fts MATCH :q{n} ORDER BY rank LIMIT {CANDIDATES})"
            for n, (index, _match) in enumerate(batch)
        )
        params = {f"q{n}": match for n, (_index, match) in enumerate(batch)}
        for k, row_id in session.execute(text(sql), params):
            found[k].add(row_id)
    return found


def _postgres_candidates(
    session: DbSession, source_locale: str, target_locale: str, sources: list[str]
) -> list[set[int]]:
    """Nearest rows by trigram distance among those similar enough, per sentence."""
    found: list[set[int]] = [set() for _ in sources]
    sql = text(
        "SELECT q.k, m.id FROM unnest(CAST(:keys AS integer[]), CAST(:texts AS text[])) "
        "AS q(k, src) CROSS JOIN LATERAL ("
        " SELECT t.id FROM translation_memory t"
        " WHERE t.source_locale = :sl AND t.target_locale = :tl AND t.source_text % q.src"
        f" ORDER BY t.source_text <-> q.src LIMIT {CANDIDATES}) AS m"
    )
    for i in range(0, len(sources), CHUNK):
        part = sources[i : i + CHUNK]
        params = {
            "keys": list(range(i, i + len(part))),
            "texts": part,
            "sl": source_locale,
            "tl": target_locale,
        }
        for k, row_id in session.execute(sql, params):
            found[k].add(row_id)
    return found


def close_matches(
    session: DbSession,
    source_locale: str,
    target_locale: str,
    sources: Iterable[tuple[int, str, str]],
) -> dict[int, list[Match]]:
    """Up to three close matches for each (key, source text, source hash), best first."""
    wanted = [(key, source, digest) for key, source, digest in sources if len(source) >= 3]
    if not wanted:
        return {}
    texts = [source for _key, source, _digest in wanted]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        found = _postgres_candidates(session, source_locale, target_locale, texts)
    elif dialect == "sqlite":
        found = _sqlite_candidates(session, texts)
    else:
        return {}
    ids = set().union(*found)
    entries = {}
    if ids:
        entries = {
            e.id: e
            for e in session.scalars(
                select(MemoryEntry).where(
                    MemoryEntry.id.in_(ids),
                    MemoryEntry.source_locale == source_locale,
                    MemoryEntry.target_locale == target_locale,
                )
            )
        }
    result: dict[int, list[Match]] = {}
    for (key, source, digest), row_ids in zip(wanted, found, strict=True):
        scored = []
        for row_id in row_ids:
            entry = entries.get(row_id)
            if entry is None or entry.source_hash == digest or entry.source_text == source:
                continue
            score = similarity(source, entry.source_text)
            if score >= THRESHOLD:
                scored.append((score, entry))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        result[key] = [
            _offer(source, entry, score, source_locale) for score, entry in scored[:SHOWN]
        ]
    return result


def _offer(source: str, entry: MemoryEntry, score: float, source_locale: str) -> Match:
    target, old, new = substitute_number(source, entry.source_text, entry.target_text)
    return Match(
        entry=entry,
        score=score,
        diff=source_diff(entry.source_text, source, source_locale),
        target=target,
        replaced=(old, new) if old else None,
    )


def match_for(
    session: DbSession, entry_id: int, source_locale: str, target_locale: str, source: str
) -> Match | None:
    """One memory entry offered for `source` (None: not in this pair, or not close enough)."""
    entry = session.get(MemoryEntry, entry_id)
    if (
        entry is None
        or (entry.source_locale, entry.target_locale) != (source_locale, target_locale)
        or entry.source_text == source
    ):
        return None
    score = similarity(source, entry.source_text)
    return _offer(source, entry, score, source_locale) if score >= THRESHOLD else None


def use_match(
    session: DbSession,
    tr: Translation,
    st: SegmentTranslation,
    entry_id: int,
    *,
    user: User,
    expected_version: int | None,
) -> Match:
    """Save a close match's target (numbers fitted) as the segment's draft, like any save.

    The version check of a save applies: text someone saved after the page was opened is never
    replaced; the text it replaces stays in the segment's history.
    """
    match = match_for(session, entry_id, tr.summary.source_locale, tr.locale, st.source_text)
    if match is None:
        raise ValidationError(
            {"memory_id": str(_l("That memory match is not offered for this segment."))}
        )
    review.save_segment(
        session,
        tr,
        st,
        match.target,
        approve=False,
        user=user,
        expected_version=expected_version,
        second_approver=False,  # taken as a draft
    )
    memory.record_use(session, [entry_id])
    return match
