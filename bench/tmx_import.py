"""TMX import of 200,000 units: time and peak memory on SQLite and PostgreSQL, then fuzzy lookups.

The TMX file is generated first (the varied corpus of `bench/fuzzy_memory.py`: half en->ja, half
ja->en, written with en-US/ja-JP codes as CAT tools write them). Each import runs in a child
process of its own, through `flask memory import` (the CLI the admin uses), so that its peak
resident memory (VmHWM) is the import's alone; the child also reports its resident memory
before the import, and the run is repeated with a tenth of the units to show memory does not grow
with the file. After the big import the child looks up close matches for 200 edited memory
sentences, one per call, through `fuzzy.close_matches` (p50/p95).

Run: .venv/bin/python bench/tmx_import.py   (SQLite in a temporary file, then PostgreSQL in
BENCH_POSTGRES_URL, whose public schema is dropped and rebuilt. BENCH_ENTRIES to change the size.)
Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

CODES = {"en": "en-US", "ja": "ja-JP"}


def write_tmx(path: Path, rows: list[dict]) -> None:
    """A TMX 1.4b file of the rows, as a legacy CAT tool would export it."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            '<tmx version="1.4"><header creationtool="bench" creationtoolversion="1" '
            'segtype="sentence" o-tmf="bench" adminlang="en-US" srclang="*all*" '
            'datatype="plaintext"/>\n<body>\n'
        )
        for r in rows:
            s, t = CODES[r["source_locale"]], CODES[r["target_locale"]]
            out.write(
                f'<tu srclang="{s}"><tuv xml:lang="{s}"><seg>{escape(r["source_text"])}</seg></tuv>'
                f'<tuv xml:lang="{t}"><seg>{escape(r["target_text"])}</seg></tuv></tu>\n'
            )
        out.write("</body></tmx>\n")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux keeps that across
    exec, so a child would report its parent's size (the parent holds the generated corpus)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, tmx_path: str, queries_path: str) -> None:
    """One import (and the lookups after it) in this process; prints one JSON line."""
    from sqlalchemy import create_engine, text

    from webapp import create_app
    from webapp.extensions import db
    from webapp.translation import fuzzy
    from webapp.translation.segmentation import segment_hash

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        db.session.commit()
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["memory", "import", tmx_path])
    took = time.perf_counter() - started
    rss_after = peak_rss_mb()
    summary = result.output.strip().splitlines()[-3:]
    lookups: list[float] = []
    matched = 0
    if queries_path:
        queries = json.loads(Path(queries_path).read_text())
        with app.app_context():
            if url.startswith("postgresql"):
                db.session.execute(text("ANALYZE translation_memory"))
                db.session.commit()
            for n, (source_locale, sentence) in enumerate(queries):
                pair = (source_locale, "ja" if source_locale == "en" else "en")
                t0 = time.perf_counter()
                got = fuzzy.close_matches(
                    db.session, *pair, [(0, sentence, segment_hash(sentence))]
                )
                if n:  # the first one warms the caches
                    lookups.append(time.perf_counter() - t0)
                matched += bool(got.get(0))
                db.session.rollback()
            db.engine.dispose()
    print(
        json.dumps(
            {
                "exit": result.exit_code,
                "seconds": took,
                "rss_before_mb": rss_before,
                "rss_peak_mb": rss_after,
                "summary": summary,
                "lookups_ms": [x * 1000 for x in lookups],
                "matched": matched,
            }
        )
    )


def run_child(url: str, tmx_path: Path, queries_path: Path | None) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(tmx_path), str(queries_path or "")],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    from bench.databases import bench_postgres_url
    from bench.fuzzy_memory import SEED, entries, machine

    postgres = bench_postgres_url()
    print(machine(postgres))
    rows, queries = entries(random.Random(SEED))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big, small = folder / "legacy.tmx", folder / "legacy-small.tmx"
        write_tmx(big, rows)
        write_tmx(small, rows[: len(rows) // 10])
        queries_path = folder / "queries.json"
        queries_path.write_text(json.dumps(queries))
        print(
            f"TMX: {len(rows):,} units, {big.stat().st_size / 1e6:.1f} MB; "
            f"small: {len(rows) // 10:,} units"
        )
        del rows
        for name, url in (
            ("SQLite", f"sqlite:///{folder / 'bench.sqlite'}"),
            ("PostgreSQL", postgres),
        ):
            if name == "SQLite":
                (folder / "bench.sqlite").unlink(missing_ok=True)
            low = run_child(url, small, None)
            if name == "SQLite":
                (folder / "bench.sqlite").unlink(missing_ok=True)
            high = run_child(url, big, queries_path)
            ms = high["lookups_ms"]
            print(f"\n{name}:")
            for label, r in (("small", low), ("full", high)):
                print(
                    f"  {label}: exit {r['exit']}, {r['seconds']:.1f} s, peak RSS "
                    f"{r['rss_peak_mb']:.0f} MB (after start-up {r['rss_before_mb']:.0f} MB)"
                )
            print("  " + " / ".join(high["summary"]))
            print(
                f"  fuzzy lookup after import, one segment per call: p50 "
                f"{statistics.median(ms):.1f} ms, p95 {pct(ms, 0.95):.1f} ms "
                f"({len(ms)} lookups, {high['matched']} with a match)"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
