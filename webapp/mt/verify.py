"""`python -m webapp.mt.verify FOLDER`: load an unpacked package and translate one sentence.

`flask mt install` runs this in a child process before a package goes live, so that a corrupt
model which crashes or hangs the native libraries cannot take the installer down, and the
memory the model took is returned when the child ends. It prints one JSON line:
{"ok": true, "sample": ...} or {"ok": false, "error": ...}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def check(folder: Path) -> str:
    """Read, load and try the package in `folder` in its metadata's direction; return its
    translation of the source language's sample sentence."""
    from webapp.languages import get
    from webapp.mt.argos import check_package
    from webapp.mt.packages import read_package

    pkg = read_package(folder)
    return check_package(pkg, get(pkg.from_code), get(pkg.to_code))


def main(argv: list[str]) -> int:
    """Check one folder and print the verdict as one JSON line; exit 1 if it fails."""
    if len(argv) != 1:
        print(json.dumps({"ok": False, "error": "usage: python -m webapp.mt.verify FOLDER"}))
        return 2
    try:
        sample = check(Path(argv[0]))
    except Exception as exc:  # noqa: BLE001 - every failure becomes the verdict
        print(json.dumps({"ok": False, "error": str(exc) or type(exc).__name__}))
        return 1
    print(json.dumps({"ok": True, "sample": sample}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
