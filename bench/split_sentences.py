"""Sentence splitting is linear: split n and 4n characters of mixed English and Japanese.

Prints both times and their ratio (linear: about 4; the issue's target is 100,000 characters in
well under a second). Each figure is the best of three runs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp.languages.sentences import split_sentences  # noqa: E402

MIXED = (
    "The ministers met in Tokyo on Jan. 15. Lt. Gen. Alvarez briefed them on the U.S.-Japan "
    "alliance. 両氏は日米同盟の強化を確認した。"
    "長官は「協力は続く。」と述べた。防衛費は２．５％増える。"
)
CASES = {
    "mixed English and Japanese (ja)": (MIXED, "ja"),
    "English prose in a Japanese summary (ja)": ("They agreed on Jan. 15 to expand drills. ", "ja"),
    "brackets and full stops (en)": ("。「」", "en"),
}


def best_of_three(text: str, locale: str) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        split_sentences(text, locale)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = 25_000
    for name, (unit, locale) in CASES.items():
        small = (unit * (n // len(unit) + 1))[:n]
        large = (unit * (4 * n // len(unit) + 1))[: 4 * n]
        t_small, t_large = best_of_three(small, locale), best_of_three(large, locale)
        print(
            f"{name:44} {n:>7,} chars {t_small * 1000:7.1f} ms   {4 * n:>7,} chars "
            f"{t_large * 1000:7.1f} ms   ratio {t_large / t_small:4.1f}"
        )


if __name__ == "__main__":
    main()
