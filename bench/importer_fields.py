"""How much of a release the importer reads, field by field, on a small set of real shapes.

    .venv/bin/python bench/importer_fields.py

The shapes (tests/fixtures/releases/): a defense.gov release (the seed), a defense.gov release
with a byline under its headline and "Photo By:" lines, two more defense.gov shapes (dateline and
related stories; byline and a dateline on its own line), a Japanese ministry readout with numbered
headings (日時, 場所, 出席者, 概要), a Japanese press release, and an embassy note. What a careful
liaison would put in each field is written down below, by hand.

Per field: `expected` items (1 for a single value, else one per person, country, quote, photo,
topic), `found` items the importer filled in, `correct` those equal to what is expected. A
quote counts as correct when its speaker is named as expected (in full where the release names
the person in full); a photo when both its caption and its credit are right. Runs on any version
of the importer (fields an old one lacks count as not found), so it can be run on the commit
before a change to compare.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.summaries.importer import parse_release  # noqa: E402

RELEASES = ROOT / "tests" / "fixtures" / "releases"
TOPICS = [
    ("alliance", ["U.S.-Japan alliance", "日米同盟"]),
    ("defense-industry", ["Defense industry", "防衛産業"]),
    ("maritime-security", ["Maritime security", "海洋安全保障"]),
    ("ceremonies", ["Ceremonies and visits", "式典・訪問"]),
]

EXPECTED: dict[str, dict[str, Any]] = {
    "seed_000.txt": {
        "title": "Hegseth Hosts Japanese Counterpart at Pentagon",
        "date": "2026-01-15",
        "place": {"The Pentagon, Washington", "The Pentagon", "Pentagon"},
        "countries": {"US", "JP"},
        "participants": {("Pete Hegseth", "US"), ("Shinjirō Koizumi", "JP")},
        "quotes": ["Pete Hegseth", "Pete Hegseth", "Pete Hegseth", "Shinjirō Koizumi"],
        "photos": [
            (
                "Secretary of War Pete Hegseth and Japan's",
                "Navy Petty Officer 1st Class Alexander Kubitza",
            ),
            (
                "Secretary of War Pete Hegseth hosts a bilateral",
                "Navy Petty Officer 1st Class Alexander Kubitza",
            ),
            (
                "Secretary of War Pete Hegseth hosts Japan's",
                "Navy Petty Officer 1st Class Alexander Kubitza",
            ),
        ],
        "topics": {"alliance"},
    },
    "en_photo_by_byline.txt": {
        "title": "Deputy Secretary Hosts Philippine Defense Chief",
        "date": "2026-01-22",
        "place": {"The Pentagon, Washington", "The Pentagon", "Pentagon"},
        "countries": {"US", "PH"},
        "participants": {("Steve Feinberg", "US"), ("Gilberto Teodoro", "PH")},
        "quotes": ["Steve Feinberg", "Gilberto Teodoro"],
        "photos": [
            ("Deputy Secretary of War Steve Feinberg greets", "Air Force Staff Sgt. John Example")
        ],
        "topics": {"maritime-security", "defense-industry"},
    },
    "en_dateline_related.txt": {
        "title": "Defense Chiefs Agree to Expand Joint Exercises",
        "date": "2026-03-03",
        "place": {"Tokyo", "Ministry of Defense, Tokyo"},
        "countries": {"US", "JP"},
        "participants": {("Pete Hegseth", "US"), ("Shinjirō Koizumi", "JP")},
        "quotes": ["Shinjirō Koizumi", "Pete Hegseth"],
        "photos": [("Secretary of War Pete Hegseth reviews", "Army Sgt. Jane Example")],
        "topics": set(),
    },
    "en_byline_dateline.txt": {
        "title": "Australia and Japan Deepen Defense Ties",
        "date": "2026-03-10",
        "place": {"Canberra, Australia", "Canberra"},
        "countries": {"AU", "JP"},
        "participants": {("Marles", "AU"), ("Koizumi", "JP")},  # named by surname only
        "quotes": ["Marles", "Koizumi", ""],  # the third names no speaker
        "photos": [],
        "topics": {"maritime-security"},
    },
    "ja_mod_readout.txt": {
        "title": "日米防衛相会談について",
        "date": "2026-01-15",
        "place": {"米国防省（ワシントンＤ．Ｃ．）", "ワシントン、国防総省"},
        "countries": {"JP", "US"},
        "participants": {("小泉", "JP"), ("ヘグセス", "US")},
        "quotes": [],
        "photos": [],
        "topics": {"alliance"},
    },
    "ja_release.txt": {
        "title": "日米防衛相会談の概要",
        "date": "2026-01-15",
        "place": {"ワシントン、国防総省", "国防総省"},
        "countries": {"JP", "US"},
        "participants": {("小泉", "JP"), ("ヘグセス", "US")},
        "quotes": ["ヘグセス", "小泉"],
        "photos": [("会談に先立ち握手する", "防衛省")],
        "topics": {"alliance"},
    },
    "en_embassy_note.txt": {
        "title": "Ambassador Glass Meets Japan's Minister of Defense",
        "date": "2026-02-05",
        "place": {"Tokyo", "Ministry of Defense, Tokyo"},
        "countries": {"US", "JP"},
        "participants": {("George Glass", "US"), ("Shinjirō Koizumi", "JP")},
        "quotes": ["George Glass"],
        "photos": [("Ambassador George Glass and Minister", "U.S. Embassy Tokyo")],
        "topics": {"alliance", "defense-industry"},
    },
}
# Written after the rules were, and not tuned on: how the rules do on shapes they never saw.
HELD_OUT: dict[str, dict[str, Any]] = {
    "en_readout_heldout.txt": {
        "title": "Readout of Secretary of War Pete Hegseth's Meeting With Australian Deputy "
        "Prime Minister Richard Marles",
        "date": "2026-01-28",
        "place": {"The Pentagon, Washington", "The Pentagon", "Pentagon"},
        "countries": {"US", "AU"},
        "participants": {("Pete Hegseth", "US"), ("Richard Marles", "AU")},
        "quotes": [],
        "photos": [],
        "topics": set(),  # "the U.S.-Australia alliance" is not the U.S.-Japan alliance
    },
    "ja_mofa_heldout.txt": {
        "title": "日豪外相会談",
        "date": "2026-02-03",
        "place": {"東京"},  # "来日中": a liaison knows it was Tokyo; the text does not say
        "countries": {"JP", "AU"},
        "participants": {("茂木敏充", "JP"), ("ペニー・ウォン", "AU")},
        "quotes": [],
        "photos": [],
        "topics": set(),
    },
}
FIELDS = ("title", "date", "place", "countries", "participants", "quotes", "photos", "topics")


def _parse(text: str) -> dict[str, Any]:
    if "topics" in inspect.signature(parse_release).parameters:
        return parse_release(text, topics=TOPICS)
    return parse_release(text)


def score(field: str, want: Any, got: dict[str, Any]) -> tuple[int, int, int]:
    """(expected, found, correct) items of one field of one release."""
    if field in ("title", "date", "place"):
        value = got.get({"date": "meeting_date", "place": "location"}.get(field, field), "")
        ok = value in want if isinstance(want, set) else value == want
        return 1, int(bool(value)), int(bool(value) and ok)
    if field == "countries":
        codes = {c["code"] if isinstance(c, dict) else c for c in got.get("countries", [])}
        return len(want), len(codes), len(codes & want)
    if field == "participants":
        people = {(p["name"], p.get("country", "")) for p in got.get("participants", [])}
        return len(want), len(people), len(people & want)
    if field == "quotes":
        speakers = [q["speaker"] for q in got.get("quotes", [])]
        right = sum(1 for a, b in zip(speakers, want, strict=False) if a == b)
        return len(want), len(speakers), right
    if field == "photos":
        photos = got.get("photos", [])
        right = sum(
            1
            for p, (caption, credit) in zip(photos, want, strict=False)
            if p["caption"].startswith(caption) and p["credit"] == credit
        )
        return len(want), len(photos), right
    topics = {t["slug"] if isinstance(t, dict) else t for t in got.get("topics", [])}
    return len(want), len(topics), len(topics & want)


def table(shapes: dict[str, dict[str, Any]]) -> None:
    totals = {f: [0, 0, 0] for f in FIELDS}
    misses: list[str] = []
    for name, want in shapes.items():
        got = _parse((RELEASES / name).read_text(encoding="utf-8"))
        for field in FIELDS:
            expected, found, correct = score(field, want[field], got)
            for i, n in enumerate((expected, found, correct)):
                totals[field][i] += n
            if correct < expected or found > correct:
                misses.append(f"  {name}: {field} {correct}/{expected} right, {found} found")
    print(f"{'field':<14}{'expected':>9}{'found':>7}{'correct':>9}")
    for field, (expected, found, correct) in totals.items():
        print(f"{field:<14}{expected:>9}{found:>7}{correct:>9}")
    print("not quite:")
    print("\n".join(misses) or "  none")


def main() -> None:
    print(f"The {len(EXPECTED)} shapes the rules were written against:")
    table(EXPECTED)
    print(f"\nThe {len(HELD_OUT)} held-out shapes:")
    table(HELD_OUT)


if __name__ == "__main__":
    main()
