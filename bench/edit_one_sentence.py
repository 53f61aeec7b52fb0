"""Edit one sentence of a 100-sentence published summary: how much goes back through MT?

DESIGN.md section 7 (benchmark 3): the edit sends exactly 1 segment through exactly 1 engine
call, and takes <= 10% of the time of a full machine-translation pass of the summary. Runs the
real services and `run_worker` with the app's MT defaults on a temporary SQLite database.
Engine calls and segments are counted by the app's own metrics (`kakehashi_mt_calls`,
`kakehashi_mt_segments`). Prints figures only.

The model: by default the tiny test package's tokenizer with a real-size model swapped in
(6+6 layers, d_model 512, 32,000-token vocabulary, random weights, built as in
`bench/mt_batch.py`); it never emits </s>, so every output runs to the engine's length bound.
`--model tiny` uses the tiny test model itself, whose per-call overhead is most of its cost.

Run: .venv/bin/python bench/edit_one_sentence.py [--model real|tiny] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prometheus_client import REGISTRY  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.mt_batch import SPECIALS, VOCAB, build_model  # noqa: E402
from tests.argos_builder import CORPUS, build_tiny_package  # noqa: E402
from tests.factories import PASSWORD, REASON  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts import services as users  # noqa: E402
from webapp.core.schemas import parse  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.jobs.worker import run_worker  # noqa: E402
from webapp.mt.packages import install_package  # noqa: E402
from webapp.mt.records import INSTALL_RECORD  # noqa: E402
from webapp.publishing import services as publishing  # noqa: E402
from webapp.publishing.schemas import PublishIn  # noqa: E402
from webapp.summaries import services as summaries  # noqa: E402
from webapp.summaries.schemas import SummaryCreate, SummaryPatch  # noqa: E402
from webapp.translation import review  # noqa: E402
from webapp.translation import workflow as translation  # noqa: E402
from webapp.translation.models import SegmentStatus, SegmentTranslation  # noqa: E402

SENTENCES = [line for line in CORPUS if line.isascii() and not line.startswith(("Les", "Ils"))]
VERSIONS = select(SegmentTranslation.id, SegmentTranslation.version)
TARGET_SHARE = 0.10


def body_of(n: int) -> str:
    """n distinct sentences in paragraphs of five (the tiny model's sentences, numbered)."""
    sentences = [f"{SENTENCES[i % len(SENTENCES)][:-1]} (item {i})." for i in range(n)]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, n, 5))


def install_models(tmp: Path, model: str) -> Path:
    """Install the tiny en->ja package; for "real", swap a real-size model in behind its
    tokenizer (the install record goes, or the changed model would be refused)."""
    packages = tmp / "models"
    pkg = install_package(build_tiny_package(tmp / "build", "en", "ja"), packages)
    if model == "real":
        model_dir = pkg.path / "model"
        pieces = json.loads((model_dir / "shared_vocabulary.json").read_text(encoding="utf-8"))
        padding = [f"▁pad{i}" for i in range(VOCAB - len(pieces))]
        shutil.rmtree(model_dir)
        model_dir.mkdir()
        build_model(model_dir, pieces + padding, never={*SPECIALS, *padding})
        (pkg.path / INSTALL_RECORD).unlink(missing_ok=True)
    return packages


def mt_counts() -> tuple[float, float, float]:
    """Engine calls, segments sent and seconds in the engine so far (en->ja), from the metrics."""

    def value(name: str) -> float:
        return REGISTRY.get_sample_value(name, {"pair": "en-ja"}) or 0.0

    return (
        value("kakehashi_mt_calls_total"),
        value("kakehashi_mt_segments_total"),
        value("kakehashi_mt_seconds_total"),
    )


def timed_pass(app) -> tuple[float, tuple[float, ...]]:
    """Run the worker until the queue is empty: wall time, and (calls, segments, engine s)."""
    before = mt_counts()
    start = time.perf_counter()
    run_worker(app, burst=True)
    wall = time.perf_counter() - start
    return wall, tuple(a - b for a, b in zip(mt_counts(), before, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", choices=["real", "tiny"], default="real")
    parser.add_argument("--repeats", type=int, default=1, help="timed full passes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'b.sqlite3'}",
                "ARGOS_PACKAGES_DIR": str(install_models(tmp, args.model)),
            }
        )
        config = app.config
        print(
            f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        print(
            f"MT settings: compute {config['MT_COMPUTE_TYPE']}, {config['MT_THREADS']} threads, "
            f"beam {config['MT_BEAM_SIZE']}, batches of {config['MT_BATCH_TOKENS']} tokens; "
            + (
                "real-size model (6+6 layers, d_model 512, 32,000 tokens, random weights)"
                if args.model == "real"
                else "tiny test model (2+2 layers, d_model 64)"
            )
        )
        with app.app_context():
            db.create_all()
            liaison = users.create_user(db.session, "l@example.org", PASSWORD, ["liaison"])
            users.create_user(db.session, "t@example.org", PASSWORD, ["translator"])
            body = body_of(100)
            summary = summaries.create_summary(
                db.session,
                parse(
                    SummaryCreate,
                    {
                        "source_locale": "en",
                        "title": "Benchmark",
                        "meeting_date": "2026-01-15",
                        "body": body,
                    },
                ),
                liaison,
            )
            db.session.commit()
            summary_id = summary.id
        run_worker(app, burst=True)  # warm: loads the model once

        full: list[float] = []
        for _ in range(args.repeats):
            with app.app_context():
                tr = db.session.get(summaries.Summary, summary_id).translations[0]
                for st in tr.segments:  # forget the drafts: the timed pass redoes them all
                    st.status, st.text = SegmentStatus.PENDING, None
                translation.refresh_status(db.session, tr)
                db.session.commit()
                segments = len(tr.segments)
            wall, (calls, sent, engine_s) = timed_pass(app)
            full.append(wall)
        full_calls, full_sent, full_engine = calls, sent, engine_s

        with app.app_context():
            liaison = users.find_user(db.session, "l@example.org")
            tr_user = users.find_user(db.session, "t@example.org")
            summary = db.session.get(summaries.Summary, summary_id)
            tr = summary.translations[0]
            for st in tr.segments:
                review.save_segment(
                    db.session, tr, st, st.text, approve=True, user=tr_user, second_approver=False,
                    expected_version=st.version, reason=REASON,
                )  # fmt: skip
            review.approve_translation(db.session, tr, tr_user)
            publishing.publish(
                db.session, summary, parse(PublishIn, {"locales": ["en", "ja"]}), liaison
            )
            db.session.commit()
            version = summary.version

        edits: list[float] = []
        for n in range(max(args.repeats, 3)):
            with app.app_context():
                liaison = users.find_user(db.session, "l@example.org")
                summary = db.session.get(summaries.Summary, summary_id)
                edited = body.replace("(item 42)", f"(item forty-two, edit {n})")
                summaries.update_summary(
                    db.session, summary, parse(SummaryPatch, {"body": edited}), version, liaison
                )
                db.session.commit()
                version = summary.version
                before = dict(db.session.execute(VERSIONS).all())
            wall, (calls, sent, engine_s) = timed_pass(app)
            edits.append(wall)
            with app.app_context():
                after = dict(db.session.execute(VERSIONS).all())
                changed = sum(1 for k, v in after.items() if v != before.get(k))
            # Later edits are timed again; the counts must hold for every one of them.
            assert (calls, sent) == (1, 1), f"edit {n}: {calls} call(s), {sent} segment(s)"

    full_s, edit_s = statistics.median(full), statistics.median(edits)
    share = edit_s / full_s
    print(
        f"summary: {segments} segments (100 body sentences and the title); median of "
        f"{len(full)} full pass(es) and {len(edits)} edits"
    )
    print(
        f"full pass:  {full_calls:.0f} engine call(s), {full_sent:.0f} segments sent, "
        f"{full_s * 1000:7.1f} ms wall ({full_engine * 1000:.1f} ms in the engine)"
    )
    print(
        f"one edit:   {calls:.0f} engine call(s), {sent:.0f} segment(s) sent, {changed} row(s) "
        f"changed, {edit_s * 1000:7.1f} ms wall ({engine_s * 1000:.1f} ms in the engine)"
    )
    verdict = "met" if share <= TARGET_SHARE else "missed"
    print(
        f"edit / full pass: {100 * share:.1f}% (target <= {100 * TARGET_SHARE:.0f}%: {verdict}); "
        f"engine calls 1 and segments sent 1: met"
    )


if __name__ == "__main__":
    main()
