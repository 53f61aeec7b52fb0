"""XLIFF export and import of a 300-segment summary: time (issue 19; printed, not asserted).

Runs the real services through the JSON API on a temporary SQLite database, without machine
translation: the summary's 300 segments wait for text, the file comes back with a target in
every unit (each saved as a draft through the translator's own save, checks and history), as
the worst case of a translator doing the whole summary in a CAT tool.

Run: .venv/bin/python bench/xliff_round_trip.py [--segments 300]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from tests.factories import bearer, make_user, summary_payload  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

NS = {
    "2.1": "urn:oasis:names:tc:xliff:document:2.0",
    "1.2": "urn:oasis:names:tc:xliff:document:1.2",
}


def body_of(n: int) -> str:
    """n distinct sentences, five to a paragraph (title, place and names add a few segments)."""
    sentences = [
        f"The delegations discussed item number {i} of the agenda at length." for i in range(n)
    ]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, n, 5))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'b.sqlite3'}",
                "ARGOS_PACKAGES_DIR": str(Path(tmp) / "models"),
            }
        )
        with app.app_context():
            db.create_all()
        liaison = bearer(app, make_user(app, "liaison"))
        translator = bearer(app, make_user(app, "translator", ["ja"]))
        client = app.test_client()
        body = body_of(args.segments - 8)
        created = client.post(
            "/api/v1/summaries", json=summary_payload(body=body), headers=liaison
        ).json
        tr_id = created["translations"]["ja"]["id"]
        for version in ("2.1", "1.2"):
            started = time.perf_counter()
            resp = client.get(
                f"/api/v1/translations/{tr_id}/xliff?version={version}", headers=translator
            )
            exported = time.perf_counter() - started
            tree = etree.fromstring(resp.data)
            tag = "unit" if version == "2.1" else "trans-unit"
            units = tree.iter(f"{{{NS[version]}}}{tag}")
            count = 0
            for unit in units:
                holder = unit.find(f"{{{NS[version]}}}segment") if version == "2.1" else unit
                source = holder.find(f"{{{NS[version]}}}source")
                target = holder.find(f"{{{NS[version]}}}target")
                if target is None:
                    target = etree.SubElement(holder, f"{{{NS[version]}}}target")
                target.text = f"訳{version}: {source.text}"
                count += 1
            data = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
            started = time.perf_counter()
            out = client.post(
                f"/api/v1/translations/{tr_id}/xliff",
                data={"file": (io.BytesIO(data), "t.xlf")},
                headers=translator,
                content_type="multipart/form-data",
            )
            imported = time.perf_counter() - started
            report = out.json
            print(
                f"XLIFF {version}: {count} units, {len(resp.data):,} bytes; "
                f"export {exported:.3f} s; "
                f"import {imported:.3f} s (saved {report['saved']}, unchanged "
                f"{report['unchanged']}, refused {report['refused']})"
            )


if __name__ == "__main__":
    main()
