"""Is this process ready for traffic? The database answers, its schema is at the migrations'
head, and which machine-translation pairs are installed."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import column, inspect, select, table

from webapp.core import outage
from webapp.core.db import DbSession
from webapp.mt.availability import Offer

log = logging.getLogger(__name__)


@functools.cache
def script_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the migration scripts (read once per process)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(directory).get_heads())


def database_revisions(session: DbSession) -> frozenset[str] | None:
    """The revisions recorded in alembic_version; None when the table does not exist (a
    database built by create_all, as the tests do)."""
    if not inspect(session.connection()).has_table("alembic_version"):
        return None
    version = table("alembic_version", column("version_num"))
    return frozenset(session.scalars(select(version.c.version_num)))


def check(
    session: DbSession, migrations_dir: str, mt_offer: Callable[[], Offer]
) -> tuple[bool, dict[str, Any]]:
    """(ready, report). Ready means the database answers and its schema is not behind or
    unknown; the MT pairs live workers offer are reported only (the web serves readers without
    a model, and a job for a missing pair fails with the fix in its error)."""
    report: dict[str, Any] = {}
    try:
        current = database_revisions(session)
    except Exception as exc:  # noqa: BLE001 - any failure here means not ready
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - a dead connection may refuse even that
            log.debug("rollback after a failed readiness check failed", exc_info=True)
        why = outage.reason(exc)
        log.warning("readiness: database %s (%s)", why or "failed", type(exc).__name__)
        # The kind of failure and what it means, never the server's own message (addresses,
        # user names): this answer is public.
        report["database"] = f"{why or 'error'} ({type(exc).__name__})"
        report["reason"] = outage.REASONS.get(why or "", "the database answered with an error")
        report["status"] = "unavailable"
        return False, report
    report["database"] = "ok"
    heads = script_heads(migrations_dir)
    ready = True
    if current is None:
        report["migrations"] = {"state": "unknown", "head": sorted(heads)}
    elif current == heads:
        report["migrations"] = {"state": "head", "current": sorted(current)}
    else:
        ready = False
        report["migrations"] = {
            "state": "behind or unknown revision",
            "current": sorted(current),
            "head": sorted(heads),
            "fix": "flask --app wsgi db upgrade",
        }
    offer = mt_offer()  # asked once the database is known to answer
    report["mt_pairs"] = offer.pairs
    report["mt_workers"] = offer.workers
    report["mt_pairs_from"] = offer.sources
    report["status"] = "ready" if ready else "unavailable"
    return ready, report
