"""Whether machine translation is available for a pair, as the web decides it: from the live
workers that take machine-translation jobs and have the pair in their model folder (they report
it on their row), not from the web's own folder. The web host need have no model at all.

With no live worker able to, the web falls back to its own folder when MT_FOLDER_FALLBACK says so:
"always", "never", or "auto" (the default), which falls back only when running single-host, that
is when no live worker runs on another host. There the workers read the same folder as the web,
and a worker not yet started (or restarting) takes the job once it is up.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from flask import Flask
from flask_babel import gettext as _

from webapp.core.db import DbSession
from webapp.jobs import queue
from webapp.jobs.models import Worker
from webapp.mt.argos import PIVOT
from webapp.mt.engines import engine_for

FALLBACKS = ("auto", "always", "never")
# Where the answer came from (readiness reports it).
FROM_WORKERS = "workers"
FROM_FOLDER = "this host's folder"


def reachable(pairs: list[str] | tuple[str, ...], source: str, target: str) -> bool:
    """Whether installed direct pairs ("en-ja") translate source to target, directly or through
    English in two legs, as the engine routes them."""
    have = set(pairs)
    if source == target:
        return False
    if f"{source}-{target}" in have:
        return True
    return PIVOT not in (source, target) and {f"{source}-{PIVOT}", f"{PIVOT}-{target}"} <= have


def fallback_setting(app: Flask) -> str:
    """MT_FOLDER_FALLBACK, checked (the app refuses to start with another value)."""
    value = str(app.config["MT_FOLDER_FALLBACK"]).strip().lower()
    if value not in FALLBACKS:
        raise RuntimeError(
            f"MT_FOLDER_FALLBACK must be one of {', '.join(FALLBACKS)}, not {value!r}."
        )
    return value


def _falls_back(app: Flask, alive: list[Worker]) -> bool:
    setting = fallback_setting(app)
    if setting == "auto":
        here = socket.gethostname()
        return all(w.host == here for w in alive)
    return setting == "always"


@dataclass(frozen=True)
class Offer:
    """The direct pairs machine translation is offered for, and where that was learnt."""

    pairs: list[str]
    workers: int  # live workers taking the kind
    sources: list[str]  # FROM_WORKERS, and FROM_FOLDER when the fallback applies


def offered(session: DbSession, app: Flask, kind: str) -> Offer:
    """The direct pairs live workers taking `kind` have, with this host's folder's when the
    fallback applies (the same rule as `for_pair`)."""
    alive = queue.live_workers(session)
    able = [w for w in alive if _takes(w, kind)]
    pairs = {p for w in able for p in (w.pairs or ())}
    sources = [FROM_WORKERS]
    if _falls_back(app, alive):
        pairs |= set(engine_for(app).pairs())
        sources.append(FROM_FOLDER)
    return Offer(sorted(pairs), len(able), sources)


def _takes(worker: Worker, kind: str) -> bool:
    return worker.kinds is None or kind in worker.kinds


@dataclass(frozen=True)
class Availability:
    ready: bool
    source: str
    target: str

    @property
    def message(self) -> str:
        """Why a machine draft cannot be asked for (in the reader's language)."""
        if self.ready:
            return ""
        return _(
            "No running worker can translate %(source)s → %(target)s. An administrator can "
            "install the model on the model page or start a worker that has it "
            "(flask --app wsgi worker); until then, translate by hand.",
            source=self.source,
            target=self.target,
        )


def for_pair(session: DbSession, app: Flask, kind: str, source: str, target: str) -> Availability:
    """Whether a job of `kind` translating source to target would find a worker able to run it:
    a live worker taking the kind with the pair (directly or through English); else, when the
    fallback applies, this host's own folder."""
    alive = queue.live_workers(session)
    ready = any(_takes(w, kind) and reachable(w.pairs or (), source, target) for w in alive)
    if not ready and _falls_back(app, alive):
        ready = engine_for(app).can_translate(source, target)
    return Availability(ready, source, target)
