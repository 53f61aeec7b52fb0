"""Start-up: `import wsgi` (which builds the app) in a fresh process, its time and peak memory.

DESIGN.md section 7: <= 1.0 s, and the machine-translation stack (ctranslate2, torch,
sentencepiece, argostranslate) not imported: the web app never loads a model.

Run: .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
TARGET = 1.0
MT_STACK = ("ctranslate2", "torch", "sentencepiece", "argostranslate")

PROBE = f"""
import json, resource, sys, time
started = time.perf_counter()
import wsgi
seconds = time.perf_counter() - started
print(json.dumps({{
    "seconds": seconds,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "modules": len(sys.modules),
    "mt": sorted({{m.split(".")[0] for m in sys.modules}} & set({list(MT_STACK)!r})),
}}))
"""


def probe(instance: Path) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KAKEHASHI_INSTANCE_DIR": str(instance)}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    return result


def main() -> None:
    print(
        f"Start-up benchmark on {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        probe(Path(tmp))  # warm the file cache and .pyc files once, not counted
        runs = [probe(Path(tmp)) for _ in range(RUNS)]
    seconds = [r["seconds"] for r in runs]
    median = statistics.median(seconds)
    print(f"  import wsgi (create_app included), {RUNS} fresh processes:")
    print(f"    median {median:.3f} s, min {min(seconds):.3f} s, max {max(seconds):.3f} s")
    print(
        f"    whole process (interpreter start to exit): median "
        f"{statistics.median(r['process'] for r in runs):.3f} s"
    )
    print(
        f"  peak memory (max RSS): median {statistics.median(r['peak_mib'] for r in runs):.1f} MiB"
    )
    print(f"  modules loaded: {runs[0]['modules']}")
    mt = sorted({m for r in runs for m in r["mt"]})
    print(f"  MT stack imported: {', '.join(mt) if mt else 'none'} (must be none)")
    met = median <= TARGET and not mt
    print(f"  target <= {TARGET:.1f} s and no MT stack: {'met' if met else 'MISSED'}")
    print(
        f"\nSUMMARY import_s={median:.3f} peak_mib="
        f"{statistics.median(r['peak_mib'] for r in runs):.1f} mt_imported={bool(mt)}"
    )
    if mt:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
