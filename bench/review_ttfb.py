"""The translator's review page: time to the whole answer (the Flask test client, in process).

Run against a database already holding the memory (`bench/fuzzy_memory.py` fills one, or none
for the empty case): loads the demo when the database has no translations, signs in as the demo
translator, opens the translation with the most open segments 8 times and prints the first
(cold: the index is searched) and the median of the rest (matches kept: read, not searched).

    .venv/bin/python bench/review_ttfb.py sqlite:////tmp/bench.sqlite3
    TREE=/path/to/other/checkout .venv/bin/python bench/review_ttfb.py URL   (before/after)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("TREE", str(Path(__file__).resolve().parent.parent)))

from sqlalchemy import func, select  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.demo import services as demo  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.translation.models import MemoryEntry, SegmentStatus, Translation  # noqa: E402


def main(url: str) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8, "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        db.create_all()
        if not db.session.scalar(select(func.count()).select_from(Translation)):
            for _line in demo.load_demo(db.session):
                pass
            db.session.commit()

        def waiting(t: Translation) -> int:
            return sum(s.status != SegmentStatus.APPROVED for s in t.segments)

        tr = max(db.session.scalars(select(Translation)), key=waiting)
        size = db.session.scalar(select(func.count()).select_from(MemoryEntry))
        print(f"translation {tr.id}: {waiting(tr)} open segments; memory {size:,} pairs")
        tr_id = tr.id
    client = app.test_client()
    client.post(
        "/login", data={"email": "translator@example.org", "password": "translator-desk-2026"}
    )
    times = []
    for _ in range(8):
        started = time.perf_counter()
        answer = client.get(f"/review/translations/{tr_id}")
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code
    print(f"first open {times[0]:.0f} ms, later opens median {statistics.median(times[1:]):.0f} ms")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main(sys.argv[1])
