"""One engine per process, built from configuration on first use (never at import)."""

from __future__ import annotations

import threading
from pathlib import Path

from webapp.mt.base import MTEngine

_engines: dict[tuple, MTEngine] = {}
_lock = threading.Lock()


def engine_for(app) -> MTEngine:
    """The Argos engine for this app's package folder and device, created once."""
    config = app.config
    key = (str(config["ARGOS_PACKAGES_DIR"]), config["MT_DEVICE"], config["MT_BEAM_SIZE"])
    with _lock:
        if key not in _engines:
            from webapp.mt.argos import ArgosEngine

            _engines[key] = ArgosEngine(Path(key[0]), device=key[1], beam_size=key[2])
        return _engines[key]
