"""Batched vs one-call-per-sentence machine translation on the tiny Argos package (DESIGN §7).

Run: .venv/bin/python bench/mt_batch.py [--repeats N]. Prints figures; asserts nothing on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.argos_builder import build_tiny_package  # noqa: E402
from webapp.mt.argos import ArgosEngine, unload_models  # noqa: E402
from webapp.mt.packages import install_package  # noqa: E402

TARGET_RATIO = 5.0
SENTENCES = [
    "The defence ministers of Japan and Australia met in Tokyo on Monday.",
    "Both ministers reaffirmed the importance of a free and open Indo-Pacific.",
    "They agreed to expand joint exercises and information sharing.",
    "The vice minister briefed the delegation on maritime security.",
    "The next meeting will be held in Canberra next spring.",
    "Officials discussed cooperation on defence equipment and technology.",
    "The two sides expressed serious concern about the situation in the East China Sea.",
    "A joint statement was issued after the talks.",
    "The minister thanked his counterpart for the warm welcome.",
    "Staff talks between the two forces will continue every year.",
    "They confirmed close coordination on disaster relief and humanitarian assistance.",
    "The delegation visited a naval base near Yokosuka.",
    "Both countries will strengthen cyber and space cooperation.",
    "The meeting lasted about ninety minutes.",
    "The ministers welcomed progress on the reciprocal access agreement.",
    "They discussed the security environment on the Korean Peninsula.",
    "Japan explained its new national defence strategy.",
    "Australia briefed Japan on its defence strategic review.",
    "The ministers agreed to hold the next two-plus-two meeting next year.",
    "Both sides opposed any unilateral attempt to change the status quo by force.",
    "They noted the importance of peace and stability across the Taiwan Strait.",
    "The ministers welcomed the first joint fighter exercise held in Australia.",
    "Japan and Australia will deepen cooperation with the United States.",
    "The ministers also discussed cooperation with Pacific island countries.",
    "They agreed to promote research on advanced capabilities.",
    "A working group on logistics will report by the end of the year.",
    "The delegation included senior officials from both ministries.",
    "The talks were held in a cordial and constructive atmosphere.",
    "Both ministers condemned the recent ballistic missile launches.",
    "They called for the complete denuclearisation of the peninsula.",
    "The ministers exchanged views on the situation in Ukraine.",
    "They reaffirmed support for a rules-based international order.",
    "The two sides will expand exchanges between their defence academies.",
    "Japan will send observers to an Australian exercise in July.",
    "The ministers welcomed closer cooperation on space situational awareness.",
    "They agreed to explore joint development of unmanned systems.",
    "Officials will meet again in three months to review progress.",
    "The minister invited his counterpart to visit Japan next year.",
    "A press conference followed the meeting.",
    "The summary was approved by both delegations.",
]


def _time(call, repeats: int) -> float:
    """Return the median wall time of repeated calls, so one slow run does not skew the figure."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Build and install the tiny en->ja package, then time batched and one-by-one calls."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        archive = build_tiny_package(Path(tmp), "en", "ja")
        build_s = time.perf_counter() - start
        install_package(archive, Path(tmp) / "packages")
        engine = ArgosEngine(Path(tmp) / "packages")
        unload_models()

        start = time.perf_counter()
        engine.translate_batch([SENTENCES[0]], "en", "ja")
        first_s = time.perf_counter() - start
        warm_s = _time(lambda: engine.translate_batch([SENTENCES[0]], "en", "ja"), args.repeats)

        batched = engine.translate_batch(SENTENCES, "en", "ja")
        singles = [engine.translate_batch([s], "en", "ja")[0] for s in SENTENCES]
        batch_s = _time(lambda: engine.translate_batch(SENTENCES, "en", "ja"), args.repeats)
        single_s = _time(
            lambda: [engine.translate_batch([s], "en", "ja") for s in SENTENCES], args.repeats
        )

    n = len(SENTENCES)
    ratio = single_s / batch_s
    print(f"tiny package build: {build_s:.2f} s (includes importing ctranslate2.specs)")
    print(f"model load (first call minus a warm call): {max(first_s - warm_s, 0) * 1000:.1f} ms")
    print(f"{n} sentences, beam {engine.beam_size}, median of {args.repeats} runs")
    for label, seconds in [("batched (one call)", batch_s), ("one call per sentence", single_s)]:
        print(f"  {label:<22} {seconds * 1000:8.1f} ms  {n / seconds:8.1f} sentences/s")
    verdict = "meets" if ratio >= TARGET_RATIO else "below"
    print(f"  speed-up: {ratio:.1f}x ({verdict} the {TARGET_RATIO:.0f}x target)")
    print(f"  batched output identical to one-by-one: {batched == singles}")


if __name__ == "__main__":
    main()
