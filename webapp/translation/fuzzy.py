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
from sqlalchemy import DDL, bindparam, delete, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from webapp.accounts.models import User
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import ValidationError
from webapp.languages.diff import Piece, source_diff
from webapp.translation import memory, review
from webapp.translation.models import (
    MemoryCandidates,
    MemoryEntry,
    SegmentTranslation,
    Translation,
)
from webapp.translation.segmentation import segment_hash

THRESHOLD = 0.70
SHOWN = 3
CANDIDATES = 30  # rows per sentence the index hands over for scoring
POSTINGS_BUDGET = 20_000  # SQLite: rows the chosen trigrams may name in all
CHUNK = 100  # sentences per statement
KEEP = 10  # matches kept per sentence, best first (three are shown)
NEWER_MAX = 2_000  # entries added since a sentence's matches were kept, scored as they are read

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
    """Up to three close matches for each (key, source text, source hash), best first.

    The matches found for a sentence are kept (`MemoryCandidates`, written in the caller's
    transaction): the next lookup reads them, scores only the entries added since, and
    searches the index only for sentences never looked up (or after a large import).
    """
    wanted = [
        (key, source, digest or segment_hash(source))
        for key, source, digest in sources
        if len(source) >= 3
    ]
    if not wanted:
        return {}
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        return {}
    texts = {digest: source for _key, source, digest in wanted}
    stored = _stored(session, source_locale, target_locale, list(texts))
    newer: list[tuple[int, str]] = []
    if stored:
        low = min(seen for _ids, seen in stored.values())
        newer = [
            (row_id, source_text)
            for row_id, source_text in session.execute(
                select(MemoryEntry.id, MemoryEntry.source_text)
                .where(
                    MemoryEntry.source_locale == source_locale,
                    MemoryEntry.target_locale == target_locale,
                    MemoryEntry.id > low,
                )
                .order_by(MemoryEntry.id)
                .limit(NEWER_MAX + 1)
            )
        ]
        if len(newer) > NEWER_MAX:  # a large import since: search those sentences afresh
            stored, newer = {}, []
    fresh = [digest for digest in texts if digest not in stored]
    candidates: dict[str, set[int]] = {}
    top = 0
    if fresh:
        top = session.scalar(select(func.max(MemoryEntry.id))) or 0  # before the search
        fresh_texts = [texts[digest] for digest in fresh]
        if dialect == "postgresql":
            found = _postgres_candidates(session, source_locale, target_locale, fresh_texts)
        else:
            found = _sqlite_candidates(session, fresh_texts)
        candidates.update(zip(fresh, found, strict=True))
    for digest, (ids, seen) in stored.items():
        source = texts[digest]
        candidates[digest] = set(ids) | {
            row_id
            for row_id, other in newer
            if row_id > seen and similarity(source, other) >= THRESHOLD
        }
    every_id = set().union(*candidates.values())
    entries = {}
    if every_id:
        entries = {
            e.id: e
            for e in session.scalars(
                select(MemoryEntry).where(
                    MemoryEntry.id.in_(every_id),
                    MemoryEntry.source_locale == source_locale,
                    MemoryEntry.target_locale == target_locale,
                )
            )
        }
    ranked: dict[str, list[tuple[float, MemoryEntry]]] = {}
    for digest, row_ids in candidates.items():
        source = texts[digest]
        scored = []
        for row_id in row_ids:
            entry = entries.get(row_id)
            if entry is None or entry.source_hash == digest or entry.source_text == source:
                continue
            score = similarity(source, entry.source_text)
            if score >= THRESHOLD:
                scored.append((score, entry))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        ranked[digest] = scored
    newest = max((row_id for row_id, _text in newer), default=0)
    keep = {digest: top for digest in fresh} | {
        digest: newest for digest, (_ids, seen) in stored.items() if newest > seen
    }
    _keep(session, source_locale, target_locale, keep, ranked, dialect)
    return {
        key: [
            _offer(source, entry, score, source_locale) for score, entry in ranked[digest][:SHOWN]
        ]
        for key, source, digest in wanted
    }


def _stored(
    session: DbSession, source_locale: str, target_locale: str, digests: list[str]
) -> dict[str, tuple[list[int], int]]:
    """Kept matches of these sentences: digest -> (entry ids, highest memory id then)."""
    found: dict[str, tuple[list[int], int]] = {}
    for i in range(0, len(digests), 500):
        rows = session.execute(
            select(
                MemoryCandidates.source_hash, MemoryCandidates.entry_ids, MemoryCandidates.seen_id
            ).where(
                MemoryCandidates.source_locale == source_locale,
                MemoryCandidates.target_locale == target_locale,
                MemoryCandidates.source_hash.in_(digests[i : i + 500]),
            )
        )
        for digest, entry_ids, seen in rows:
            found[digest] = ([int(n) for n in entry_ids.split(",") if n], seen)
    return found


def _keep(
    session: DbSession,
    source_locale: str,
    target_locale: str,
    seen: dict[str, int],
    ranked: dict[str, list[tuple[float, MemoryEntry]]],
    dialect: str,
) -> None:
    """Store (or replace) the matches of these sentences, found with memory up to `seen`."""
    if not seen:
        return
    now = utcnow()
    rows = [
        {
            "source_locale": source_locale,
            "target_locale": target_locale,
            "source_hash": digest,
            "entry_ids": ",".join(str(entry.id) for _score, entry in ranked[digest][:KEEP]),
            "seen_id": seen[digest],
            "computed_at": now,
        }
        for digest in sorted(seen)  # one order for every writer: no deadlock between two pages
    ]
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(MemoryCandidates)
    statement = upsert.on_conflict_do_update(
        index_elements=["source_locale", "target_locale", "source_hash"],
        set_={
            "entry_ids": upsert.excluded.entry_ids,
            "seen_id": upsert.excluded.seen_id,
            "computed_at": upsert.excluded.computed_at,
        },
    )
    session.execute(statement, rows)


def forget_candidates(session: DbSession) -> None:
    """Drop every kept match list (after a mass delete: lists would lose their best entries)."""
    session.execute(delete(MemoryCandidates))


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
