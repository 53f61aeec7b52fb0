"""One engine per process, built from configuration on first use (never at import)."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask

from webapp.mt.base import MTEngine

_engines: dict[tuple, MTEngine] = {}
_lock = threading.Lock()


def engine_for(app: Flask) -> MTEngine:
    """The Argos engine for this app's package folder and MT settings, created once."""
    config = app.config
    key = (
        str(config["ARGOS_PACKAGES_DIR"]),
        config["MT_DEVICE"],
        config["MT_BEAM_SIZE"],
        config["MT_COMPUTE_TYPE"],
        config["MT_THREADS"],
        config["MT_BATCH_TOKENS"],
    )
    with _lock:
        if key not in _engines:
            from webapp.mt.argos import ArgosEngine

            packages_dir, device, beam, compute_type, threads, batch_tokens = key
            _engines[key] = ArgosEngine(
                Path(packages_dir),
                device=device,
                beam_size=beam,
                compute_type=compute_type,
                intra_threads=threads,
                max_batch_tokens=batch_tokens,
            )
        return _engines[key]
