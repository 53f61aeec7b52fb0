"""Close matches kept per source sentence: a large memory still yields the best match, the
review page reads kept matches in a fixed number of statements whatever its length, entries
added later are found and deleted ones dropped (issue 23, item 5)."""

from __future__ import annotations

import random
import re

import pytest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import event, func, insert, select

from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_fuzzy_memory import CLOSE, FARTHER, NEW, remember
from tests.functional.test_html_workflow import login
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.memory import services as memory_admin
from webapp.translation import fuzzy
from webapp.translation.models import MemoryCandidates, MemoryEntry
from webapp.translation.segmentation import segment_hash

pytestmark = pytest.mark.backends("sqlite", "postgresql")

WORDS = [
    "minister",
    "delegation",
    "agreed",
    "expand",
    "cooperation",
    "energy",
    "supply",
    "chains",
    "maritime",
    "security",
    "student",
    "exchanges",
    "disaster",
    "relief",
    "digital",
    "trade",
    "fisheries",
    "space",
    "research",
    "public",
    "health",
    "tourism",
    "rail",
    "infrastructure",
    "minerals",
    "climate",
    "finance",
    "cyber",
    "defence",
    "agriculture",
    "export",
]
CITIES = ["Tokyo", "Osaka", "Washington", "London", "Canberra", "Paris", "Seoul", "Delhi"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 11))
    return (
        f"The {' '.join(words)} in {rng.choice(CITIES)} on {rng.randint(1, 28)} "
        f"{rng.choice(['May', 'June', 'July'])}, with {rng.randint(2, 400)} projects."
    )


def _fill(app, count: int, seed: int = 23) -> list[str]:
    """`count` en->ja pairs of similar sentences (many share most of their trigrams)."""
    rng = random.Random(seed)
    sources: dict[str, None] = {}
    while len(sources) < count:
        sources[_sentence(rng)] = None
    rows = [
        {
            "source_locale": "en",
            "target_locale": "ja",
            "source_hash": segment_hash(s),
            "source_text": s,
            "target_text": f"訳{n}",
        }
        for n, s in enumerate(sources)
    ]
    with app.app_context():
        for i in range(0, len(rows), 1000):
            db.session.execute(insert(MemoryEntry), rows[i : i + 1000])
        db.session.commit()
    return list(sources)


def _edited(rng: random.Random, source: str) -> str:
    words = source.split(" ")
    i = rng.randrange(1, len(words) - 1)
    words[i] = rng.choice(WORDS) if rng.random() < 0.5 else words[i] + "s"
    return " ".join(words)


def test_a_large_memory_still_yields_the_best_match_fresh_and_kept(make_app):
    app = make_app()
    pool = _fill(app, 5000)
    rng = random.Random(5)
    asked = [_edited(rng, rng.choice(pool)) for _ in range(30)]
    asked = [s for s in dict.fromkeys(asked) if s not in pool]
    best = {
        s: process.extractOne(
            s, pool, scorer=Levenshtein.normalized_similarity, score_cutoff=0.7, processor=None
        )
        for s in asked
    }
    assert sum(b is not None for b in best.values()) >= 20
    with app.app_context():
        for round_ in ("fresh", "kept"):
            got = fuzzy.close_matches(
                db.session, "en", "ja", [(n, s, segment_hash(s)) for n, s in enumerate(asked)]
            )
            db.session.commit()
            for n, s in enumerate(asked):
                if best[s] is None:
                    continue
                assert got[n], (round_, s)
                assert got[n][0].score == pytest.approx(best[s][1], abs=1e-9), (round_, s)
                assert got[n][0].entry.source_text in pool
        kept = db.session.scalar(select(func.count()).select_from(MemoryCandidates))
        assert kept == len(asked)


def test_kept_matches_find_entries_added_later_and_drop_deleted_ones(make_app):
    app = make_app()
    farther = remember(app, "en", "ja", FARTHER, "両首脳は3月3日、日米同盟を称賛した。")

    def offered() -> list[int]:
        with app.app_context():
            got = fuzzy.close_matches(db.session, "en", "ja", [(1, NEW, segment_hash(NEW))])
            db.session.commit()
            return [m.entry.id for m in got[1]]

    assert offered() == [farther]
    close = remember(app, "en", "ja", CLOSE, "両首脳は1月14日、日米同盟を称賛した。")
    assert offered() == [close, farther]  # added after the list was kept: scored as read
    with app.app_context():
        kept = db.session.scalars(select(MemoryCandidates)).one()
        assert kept.entry_ids == f"{close},{farther}" and kept.seen_id >= close
        db.session.delete(db.session.get(MemoryEntry, close))
        db.session.commit()
    assert offered() == [farther]
    with app.app_context():
        memory_admin.delete_matching(db.session, memory_admin.Filters(q="warmly"), None)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(MemoryCandidates)) == 0
    assert offered() == []


_MEMORY_TABLES = re.compile(
    r"\b(from|join|into)\s+(translation_memory|memory_candidates|memory_fts\w*)\b", re.I
)


def _memory_statements(app, client, url) -> list[str]:
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        if _MEMORY_TABLES.search(statement):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


@pytest.mark.parametrize("sentences", [2, 9])
def test_the_review_page_reads_kept_matches_in_three_statements_whatever_its_length(
    make_app, sentences
):
    app = make_app()
    client = app.test_client()
    liaison = staff_headers(app, "liaison")
    rng = random.Random(sentences)
    body = [_sentence(rng) for _ in range(sentences)]
    for s in body:  # a close match for every sentence
        remember(app, "en", "ja", _edited(rng, s), "近い訳。")
    created = client.post(
        "/api/v1/summaries",
        json=summary_payload(title="Talks", body=" ".join(body)),
        headers=liaison,
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    login(client, make_user(app, "translator", ["ja"]))
    url = f"/review/translations/{tr_id}?matches=all"
    # The worker looked the matches up when it drafted the sentences: even the first open
    # reads the kept lists, the entries added since and the entries themselves; none searches
    # (an FTS5 MATCH on SQLite, pg_trgm's `%` on PostgreSQL).
    for _open in range(2):
        seen = _memory_statements(app, client, url)
        assert len(seen) == 3, seen
        assert not any("memory_fts" in s or "source_text %" in s for s in seen)
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="matches"') == sentences
