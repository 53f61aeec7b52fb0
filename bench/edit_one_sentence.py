"""Edit one sentence of a 100-sentence published summary: how much goes back through MT?

DESIGN.md section 7: exactly 1 segment re-translated; time <= 10% of a full pass. Runs the real
services, worker and tiny Argos package on a temporary SQLite database. Prints figures only.

Run: .venv/bin/python bench/edit_one_sentence.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.mt_batch import SENTENCES  # noqa: E402
from tests.argos_builder import build_tiny_package  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts import services as users  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.jobs.worker import run_worker  # noqa: E402
from webapp.mt.packages import install_package  # noqa: E402
from webapp.publishing import services as publishing  # noqa: E402
from webapp.summaries import services as summaries  # noqa: E402
from webapp.translation import review  # noqa: E402
from webapp.translation import workflow as translation  # noqa: E402
from webapp.translation.models import Origin, SegmentStatus, SegmentTranslation  # noqa: E402

VERSIONS = select(SegmentTranslation.id, SegmentTranslation.version)


def body_of(n: int) -> str:
    """n sentences in paragraphs of five, cycling the benchmark sentences with a counter."""
    sentences = [f"{SENTENCES[i % len(SENTENCES)][:-1]} (item {i})." for i in range(n)]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, n, 5))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        install_package(build_tiny_package(tmp / "build", "en", "ja"), tmp / "models")
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'b.sqlite3'}",
                "ARGOS_PACKAGES_DIR": str(tmp / "models"),
            }
        )
        with app.app_context():
            db.create_all()
            liaison = users.create_user(db.session, "l@example.org", "password1", ["liaison"])
            tr_user = users.create_user(db.session, "t@example.org", "password1", ["translator"])
            body = body_of(100)
            summary = summaries.create_summary(
                db.session,
                {
                    "source_locale": "en",
                    "title": "Benchmark",
                    "meeting_date": "2026-01-15",
                    "body": body,
                },
                liaison,
            )
            db.session.commit()
            summary_id = summary.id
        run_worker(app, burst=True)  # warm: loads the model once
        with app.app_context():
            tr = db.session.get(summaries.Summary, summary_id).translations[0]
            for st in tr.segments:  # forget the warm-up drafts: the timed pass does them all
                st.status, st.text = SegmentStatus.PENDING, None
            translation.refresh_status(db.session, tr)
            db.session.commit()
            segments = len(tr.segments)
        start = time.perf_counter()
        run_worker(app, burst=True)
        full = time.perf_counter() - start
        with app.app_context():
            liaison = users.find_user(db.session, "l@example.org")
            tr_user = users.find_user(db.session, "t@example.org")
            summary = db.session.get(summaries.Summary, summary_id)
            tr = summary.translations[0]
            for st in tr.segments:
                review.save_segment(
                    db.session,
                    tr,
                    st,
                    st.text,
                    approve=True,
                    user=tr_user,
                    expected_version=st.version,
                )
            review.approve_translation(db.session, tr, tr_user)
            publishing.publish(db.session, summary, ["en", "ja"], liaison)
            db.session.commit()
            edited = body.replace("(item 42)", "(item forty-two)")
            summaries.update_summary(db.session, summary, {"body": edited}, 1, liaison)
            db.session.commit()
            before = dict(db.session.execute(VERSIONS).all())
        start = time.perf_counter()
        run_worker(app, burst=True)
        incremental = time.perf_counter() - start
        with app.app_context():
            after = dict(db.session.execute(VERSIONS).all())
            retranslated = sum(1 for k, v in after.items() if v != before.get(k))
            mt = db.session.scalar(
                select(func.count()).where(
                    SegmentTranslation.origin == Origin.MT, SegmentTranslation.status == "draft"
                )
            )
        print(f"segments in the summary: {segments}")
        print(f"full machine-translation pass: {full * 1000:.1f} ms")
        print(
            f"after editing one sentence: {retranslated} segment(s) re-translated, "
            f"{mt} draft(s) waiting for review, {incremental * 1000:.1f} ms "
            f"({100 * incremental / full:.1f}% of a full pass; target <= 10%)"
        )


if __name__ == "__main__":
    main()
