"""`make cluster` in short: the hosts start in their namespaces, a load goes through nginx, nothing
is lost, and nothing is left behind (bench/cluster.py; about 50 s on two loaded cores)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cluster import available

ROOT = Path(__file__).resolve().parents[2]
WHY = available()


def namespaces() -> list[str]:
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [name for name in listed.split() if name.startswith("kkc-")]


@pytest.mark.skipif(WHY is not None, reason=f"the cluster cannot run here: {WHY}")
def test_a_short_cluster_run_serves_the_load_and_loses_no_job() -> None:
    done = subprocess.run(
        [sys.executable, "bench/cluster.py", "--seconds", "8", "--no-kill"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    served = re.search(r"requests served: (\d+)", out)
    assert served and int(served.group(1)) > 0, out
    jobs = re.search(r"jobs created: (\d+), done: (\d+), lost: (\d+)", out)
    assert jobs, out
    created, finished, lost = map(int, jobs.groups())
    assert created > 0 and finished == created and lost == 0, out
    errors = re.search(r"errors by status: (.*)", out)
    assert errors and not re.search(r"no answer|\b5\d\d:", errors.group(1)), out
    assert re.search(r"by host: \{'10\.77\.0\.2[12]:8000': \d+, '10\.77\.0\.2[12]:8000'", out), out
    assert namespaces() == [], "the run left namespaces behind"
