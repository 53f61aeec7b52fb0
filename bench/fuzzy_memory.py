"""Fuzzy translation memory with 200,000 entries: how long a segment's close-match lookup takes.

200,000 approved pairs (half en->ja, half ja->en) from parallel sentence templates with numbers,
then lookups through `fuzzy.close_matches`, the service the workspace and the API call: one
sentence per call (p50/p95 per segment) and a page of 40 sentences per call (the workspace's
batch). The sentences looked up are memory sources with one slot changed (a number, or a word),
so most have close matches. Each answer's best score is checked against a brute-force scan of
the whole locale pair with rapidfuzz (recall of the best match). The templated sentences share
many trigrams, which is a harder case for the trigram index than real, varied text.

Run: .venv/bin/python bench/fuzzy_memory.py   (SQLite in a temporary file, then PostgreSQL in
BENCH_POSTGRES_URL, default the kakehashi_bench database, created when missing: its public schema
is dropped and rebuilt. BENCH_ENTRIES to change the size.)
"""

from __future__ import annotations

import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, where bench/queue.py would shadow the
# standard library's `queue` (psycopg imports it): the project's root takes its place.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import Config  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.translation import fuzzy  # noqa: E402
from webapp.translation.models import MemoryEntry  # noqa: E402
from webapp.translation.segmentation import segment_hash  # noqa: E402

ENTRIES = int(os.environ.get("BENCH_ENTRIES", "200000"))
LOOKUPS = 200  # per database: 100 per direction
PAGE = 40
ON_LOAD = Config.REVIEW_MATCHES_ON_LOAD
SEED = 20261125

# Parallel slots: (English, Japanese) choices for each part of a sentence.
WHO = [
    ("The minister", "大臣"),
    ("The delegation", "代表団"),
    ("The prime minister", "首相"),
    ("The foreign minister", "外務大臣"),
    ("Both sides", "双方"),
    ("The ambassador", "大使"),
    ("The trade envoy", "通商特使"),
    ("The defence minister", "防衛大臣"),
    ("The two leaders", "両首脳"),
    ("The state secretary", "国務長官"),
    ("The vice minister", "副大臣"),
    ("The chief negotiator", "首席交渉官"),
]
DID = [
    ("agreed to expand cooperation on", "の協力拡大で合意した"),
    ("pledged to strengthen ties in", "の連携強化を約束した"),
    ("discussed plans to review", "の見直しについて協議した"),
    ("reaffirmed their commitment to", "への決意を再確認した"),
    ("welcomed progress on", "の進展を歓迎した"),
    ("called for new steps on", "に関する新たな措置を求めた"),
    ("launched a dialogue on", "に関する対話を開始した"),
    ("set up a working group on", "に関する作業部会を設置した"),
]
WHAT = [
    ("clean energy", "クリーンエネルギー"),
    ("semiconductor supply chains", "半導体供給網"),
    ("maritime security", "海洋安全保障"),
    ("student exchanges", "学生交流"),
    ("disaster relief", "災害救援"),
    ("digital trade", "デジタル貿易"),
    ("fisheries", "漁業"),
    ("space research", "宇宙研究"),
    ("public health", "公衆衛生"),
    ("tourism", "観光"),
    ("rail infrastructure", "鉄道インフラ"),
    ("critical minerals", "重要鉱物"),
    ("climate finance", "気候資金"),
    ("cyber defence", "サイバー防衛"),
    ("agriculture", "農業"),
    ("export controls", "輸出管理"),
    ("nuclear safety", "原子力安全"),
    ("food security", "食料安全保障"),
]
WHERE = [
    ("Tokyo", "東京"),
    ("Osaka", "大阪"),
    ("Washington", "ワシントン"),
    ("London", "ロンドン"),
    ("Canberra", "キャンベラ"),
    ("Paris", "パリ"),
    ("Berlin", "ベルリン"),
    ("Seoul", "ソウル"),
    ("Delhi", "デリー"),
    ("Jakarta", "ジャカルタ"),
    ("Nagoya", "名古屋"),
    ("Kyoto", "京都"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


def sentence(choice: tuple[int, ...]) -> tuple[str, str]:
    """The English and Japanese sentence of one set of slot choices."""
    who, did, what, where, month, day, count = choice
    en = (
        f"{WHO[who][0]} {DID[did][0]} {WHAT[what][0]} in {WHERE[where][0]} on "
        f"{day} {MONTHS[month]}, with {count} projects planned."
    )
    ja = (
        f"{WHO[who][1]}は{month + 1}月{day}日、{WHERE[where][1]}で{WHAT[what][1]}{DID[did][1]}。"
        f"計画中の事業は{count}件。"
    )
    return en, ja


def random_choice(rng: random.Random) -> tuple[int, ...]:
    return (
        rng.randrange(len(WHO)), rng.randrange(len(DID)), rng.randrange(len(WHAT)),
        rng.randrange(len(WHERE)), rng.randrange(12), rng.randint(1, 28), rng.randint(2, 400),
    )  # fmt: skip


def changed(choice: tuple[int, ...], rng: random.Random) -> tuple[int, ...]:
    """The same sentence with one slot changed: a number or a word."""
    sizes = (len(WHO), len(DID), len(WHAT), len(WHERE), 12, 28, 399)
    slot = rng.randrange(len(sizes))
    values = list(choice)
    values[slot] = (values[slot] + rng.randint(1, sizes[slot] - 1)) % sizes[slot]
    if slot == 5:
        values[5] = values[5] % 28 + 1
    if slot == 6:
        values[6] = values[6] % 399 + 2
    return tuple(values)


def real_english() -> list[str]:
    """Plain sentences from the docstrings of the installed packages (sorted, so repeatable)."""
    found: set[str] = set()
    site = Path(sys.prefix) / "lib"
    for path in sorted(site.rglob("site-packages/**/*.py")):
        try:
            source = path.read_text(errors="ignore")
        except OSError:
            continue
        for doc in re.findall(r'"""(.*?)"""', source, re.S):
            for line in re.split(r"(?<=[.!?])\s+", " ".join(doc.split())):
                if (
                    40 <= len(line) <= 200
                    and line[0].isupper()
                    and line.endswith(".")
                    and not re.search(r"[<>{}\[\]=_`:|\\]", line)
                ):
                    found.add(line)
    return sorted(found)


class Varied:
    """Sentences over a large vocabulary, as real text has.

    English: the docstring sentences of the installed packages (about 30,000), then each again
    with a word swapped and a number added; without them, pseudo-words of 1-3 syllables.
    Japanese: Zipf-distributed words of 2-4 characters from 2,000 kanji and katakana, joined by
    particles, a number in most sentences.
    """

    EN_FUNCTION = ("the", "of", "and", "to", "in", "on", "with", "for", "at", "by", "said", "will")
    JA_PARTICLES = ["は", "を", "に", "で", "の", "と", "が", "へ", "から", "について"]

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        onsets = ["", *"bcdfghklmnprstvw", "br", "cr", "dr", "gr", "pl", "pr", "st", "tr", "sh"]
        vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
        codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng"]
        en_words: set[str] = set()
        while len(en_words) < 20_000:
            en_words.add(
                "".join(
                    rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                    for _ in range(rng.randint(1, 3))
                )
            )
        self.en_words = sorted(en_words)
        rng.shuffle(self.en_words)
        kanji = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA0), 2_000)]
        katakana = [chr(c) for c in range(0x30A1, 0x30F7)]
        ja_words: set[str] = set()
        while len(ja_words) < 20_000:
            pool = katakana if rng.random() < 0.2 else kanji
            ja_words.add("".join(rng.choice(pool) for _ in range(rng.randint(2, 4))))
        self.ja_words = sorted(ja_words)
        rng.shuffle(self.ja_words)
        self.weights = [1 / (rank + 1) for rank in range(20_000)]
        self.real = real_english()
        rng.shuffle(self.real)
        self.real_words = sorted({w for line in self.real for w in line[:-1].split(" ")})
        self.taken = 0

    def words(self, vocabulary: list[str], count: int) -> list[str]:
        return self.rng.choices(vocabulary, weights=self.weights, k=count)

    def en(self) -> str:
        """Real English where there is some: docstring sentences of the installed packages."""
        if self.real:
            base = self.real[self.taken % len(self.real)]
            self.taken += 1
            if self.taken <= len(self.real):
                return base
            words = base[:-1].split(" ")  # later rounds: one word swapped, a number put in
            words[self.rng.randrange(len(words))] = self.rng.choice(self.real_words)
            words.insert(self.rng.randrange(len(words)), str(self.rng.randint(1, 2030)))
            return " ".join(words) + "."
        rng = self.rng
        out = []
        for word in self.words(self.en_words, rng.randint(8, 18)):
            out.append(word)
            if rng.random() < 0.4:
                out.append(rng.choice(self.EN_FUNCTION))
        if rng.random() < 0.7:
            out.insert(rng.randrange(len(out)), str(rng.randint(1, 2030)))
        return " ".join(out).capitalize() + "."

    def ja(self) -> str:
        rng = self.rng
        out = []
        for word in self.words(self.ja_words, rng.randint(5, 10)):
            out.append(word + rng.choice(self.JA_PARTICLES))
        if rng.random() < 0.7:
            out.insert(rng.randrange(len(out)), f"{rng.randint(1, 2030)}件")
        return "".join(out) + "した。"

    def edit(self, value: str, locale: str) -> str:
        """One realistic change: a number or a word replaced, or a word added."""
        rng = self.rng
        if locale == "en":
            words = value[:-1].split(" ")
            i = rng.randrange(len(words))
            if words[i].isdigit():
                words[i] = str(int(words[i]) + rng.randint(1, 9))
            elif rng.random() < 0.5:
                words[i] = self.words(self.en_words, 1)[0]
            else:
                words.insert(i, self.words(self.en_words, 1)[0])
            return " ".join(words) + "."
        i = rng.randrange(len(value) - 4)
        return value[:i] + self.words(self.ja_words, 1)[0] + value[i + rng.randint(0, 3) :]


def entries(rng: random.Random) -> tuple[list[dict], list[tuple[str, str]]]:
    """ENTRIES distinct pairs, alternating en->ja and ja->en, and LOOKUPS sentences to look up.

    BENCH_CORPUS=templated uses the sentence templates (worst case: every row shares most
    trigrams with every other); the default is the varied corpus.
    """
    varied = Varied(rng) if os.environ.get("BENCH_CORPUS", "varied") == "varied" else None
    rows: list[dict] = []
    seen: set[str] = set()
    choices: dict[str, list[tuple[int, ...]]] = {"en": [], "ja": []}
    while len(rows) < ENTRIES:
        source = "en" if len(rows) % 2 == 0 else "ja"
        if varied is not None:
            src, tgt = (varied.en(), varied.ja()) if source == "en" else (varied.ja(), varied.en())
        else:
            choice = random_choice(rng)
            en, ja = sentence(choice)
            src, tgt = (en, ja) if source == "en" else (ja, en)
            choices[source].append(choice)
        if src in seen:
            continue
        seen.add(src)
        rows.append(
            {
                "source_locale": source,
                "target_locale": "ja" if source == "en" else "en",
                "source_hash": segment_hash(src),
                "source_text": src,
                "target_text": tgt,
            }
        )
    by_locale = {
        loc: [r["source_text"] for r in rows if r["source_locale"] == loc] for loc in ("en", "ja")
    }
    queries = []
    for n in range(LOOKUPS):
        source = "en" if n % 2 == 0 else "ja"
        if varied is not None:
            queries.append((source, varied.edit(rng.choice(by_locale[source]), source)))
        else:
            en, ja = sentence(changed(rng.choice(choices[source]), rng))
            queries.append((source, en if source == "en" else ja))
    return rows, queries


def fill(url: str, rows: list[dict]) -> tuple[object, float]:
    """A fresh schema at `url` holding the rows; returns the app and the seconds it took."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    with app.app_context():
        db.create_all()  # with the trigram index / FTS5 table, as the migration makes them
        for i in range(0, len(rows), 10_000):
            db.session.execute(insert(MemoryEntry), rows[i : i + 10_000])
        db.session.commit()
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE translation_memory"))
            db.session.commit()
    return app, time.perf_counter() - started


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def run(name: str, url: str, rows: list[dict], queries: list[tuple[str, str]]) -> None:
    app, load = fill(url, rows)
    pools = {
        loc: [r["source_text"] for r in rows if r["source_locale"] == loc] for loc in ("en", "ja")
    }
    per_segment: list[float] = []
    found = recalled = with_match = 0
    with app.app_context():
        for source_locale, sentence_text in queries:  # warm the caches once
            pair = (source_locale, "ja" if source_locale == "en" else "en")
            fuzzy.close_matches(db.session, *pair, [(0, sentence_text, "")])
            break
        for source_locale, sentence_text in queries:
            pair = (source_locale, "ja" if source_locale == "en" else "en")
            started = time.perf_counter()
            got = fuzzy.close_matches(
                db.session, *pair, [(0, sentence_text, segment_hash(sentence_text))]
            )
            per_segment.append(time.perf_counter() - started)
            db.session.rollback()
            best = process.extractOne(
                sentence_text,
                pools[source_locale],
                scorer=Levenshtein.normalized_similarity,
                score_cutoff=fuzzy.THRESHOLD,
                processor=None,
            )
            matches = got.get(0, [])
            found += len(matches)
            if best is not None:
                with_match += 1
                recalled += bool(matches) and abs(matches[0].score - best[1]) < 1e-9
        pages: list[float] = []
        openings: list[float] = []  # what opening the review page looks up now
        for source_locale in ("en", "ja"):
            mine = [q for q in queries if q[0] == source_locale]
            pair = (source_locale, "ja" if source_locale == "en" else "en")
            for i in range(0, len(mine) - PAGE + 1, PAGE):
                batch = [(n, s, segment_hash(s)) for n, (_loc, s) in enumerate(mine[i : i + PAGE])]
                for size, times in ((PAGE, pages), (ON_LOAD, openings)):
                    started = time.perf_counter()
                    fuzzy.close_matches(db.session, *pair, batch[:size])
                    times.append(time.perf_counter() - started)
                    db.session.rollback()
        db.engine.dispose()
    ms = [t * 1000 for t in per_segment]
    print(f"\n{name}: {len(rows):,} entries loaded in {load:.1f} s")
    print(
        f"  one segment per call: p50 {statistics.median(ms):.1f} ms, p95 {pct(ms, 0.95):.1f} ms, "
        f"max {max(ms):.1f} ms ({len(ms)} lookups)"
    )
    page_ms = [t * 1000 for t in pages]
    print(
        f"  a page of {PAGE} segments per call: median {statistics.median(page_ms):.1f} ms "
        f"({statistics.median(page_ms) / PAGE:.1f} ms per segment, {len(pages)} pages)"
    )
    opening_ms = [t * 1000 for t in openings]
    print(
        f"  opening the review page ({ON_LOAD} lookups, REVIEW_MATCHES_ON_LOAD): median "
        f"{statistics.median(opening_ms):.1f} ms; the other segments' when reached, one each"
    )
    print(
        f"  best match found: {recalled}/{with_match} lookups that have one >= 70% "
        f"(brute force over the pair); {found / len(queries):.2f} matches shown per lookup"
    )


def machine(postgres: str | None) -> str:
    parts = [
        f"{os.cpu_count()} CPUs",
        f"Python {platform.python_version()}",
        platform.platform(),
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if postgres:
        engine = create_engine(postgres)
        with engine.connect() as conn:
            parts.append(f"PostgreSQL {conn.execute(text('SHOW server_version')).scalar_one()}")
        engine.dispose()
    return ", ".join(parts)


def main() -> None:
    from bench.databases import bench_postgres_url

    postgres = bench_postgres_url()
    print(machine(postgres))
    rows, queries = entries(random.Random(SEED))
    print(f"corpus: {os.environ.get('BENCH_CORPUS', 'varied')}, {len(rows):,} entries")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite (FTS5 trigram)", f"sqlite:///{tmp}/bench.sqlite3", rows, queries)
    run("PostgreSQL (pg_trgm GIN)", postgres, rows, queries)


if __name__ == "__main__":
    main()
