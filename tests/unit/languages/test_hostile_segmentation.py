"""Segmentation cannot stall on hostile text: paragraphs, sentences and the cut of overlong
sentences run in linear time on 100,000 characters of runs that trip naive patterns (issue 22).

Each input runs in a child process killed after a bound far above the real cost (hundredths of a
second each here), so a backtracking pattern fails the test instead of hanging the suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
N = 100_000
HOSTILE = {
    "dots": "." * N,
    "dots and spaces": ". " * (N // 2),
    "initials": "A. " * (N // 3),
    "abbreviations": "Lt. Gen. No. " * (N // 13),
    "spaces": " " * N,
    "blank lines": "\n \n" * (N // 3),
    "kana": "あ" * N,
    "full stops": "。" * N,
    "open brackets": "「(" * (N // 2),
    "closers": "」)”" * (N // 3),
    "url-like": "http://a.b/" * (N // 11),
    "digits and points": "3.14 " * (N // 5),
    "mixed scripts": "Va.で" * (N // 4),
}


@pytest.mark.parametrize("locale", ["en", "ja", "ko"])
def test_splitting_100_000_hostile_characters_stays_linear(locale):
    """One child per language runs every input and prints the slowest: about 1 s here (50,000
    one-character sentences), growing linearly; the bound is 60 s for all thirteen."""
    script = (
        "import json, sys, time\n"
        "from webapp.languages.sentences import MAX_SENTENCE, split_paragraphs, split_sentences\n"
        "slowest = 0.0\n"
        "for text in json.loads(sys.stdin.read()):\n"
        "    started = time.perf_counter()\n"
        "    paragraphs = split_paragraphs(text)\n"
        "    pieces = [s for p in paragraphs for s in split_sentences(p, sys.argv[1])]\n"
        "    slowest = max(slowest, time.perf_counter() - started)\n"
        "    assert all(len(s) <= MAX_SENTENCE for s in pieces)\n"
        "print(f'slowest {slowest:.3f} s')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, locale],
        input=json.dumps(list(HOSTILE.values())),
        text=True,
        cwd=ROOT,
        timeout=60,  # every input together; a backtracking pattern would take hours
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    print(locale, done.stdout.strip())
