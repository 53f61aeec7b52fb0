"""Pasted text cannot stall the importer: its quote and speaker patterns run in linear time
(issue 22, M1: 200 capitals in a row took 143 s of CPU, and answered 500 after 30 s).

The inputs run in a child process that is killed after a bound far above the real cost (a few
hundredths of a second each here), so a backtracking pattern fails the test instead of hanging
the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LEDE = "Headline\n\nThe lede is here and it is long enough to count as prose for sure.\n\n"
HOSTILE = {
    "a run of capitals": "A" * 100_000,
    "capitals and spaces": "A " * 50_000,
    "an unclosed quote": '"' + "A" * 99_999,
    "said again and again": "Hegseth said: " * 7_000,
    "a long name before a quote": "Pete " * 20_000 + 'said: "' + "x" * 50,
    "titles and names": "Secretary of War Pete Hegseth, Japan's defense minister, " * 1_800,
    "Japanese titles": "ペニー・ウォン豪州外務大臣と小泉防衛大臣" * 5_000,
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_importer_reads_100_000_hostile_characters_without_stalling(body):
    script = (
        "import sys; from webapp.summaries.importer import parse_release; "
        "parse_release(sys.stdin.read(), ['en', 'ja'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=LEDE + body, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0
