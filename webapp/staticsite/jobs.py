"""The static site's job: write the pages a change touched (queued by `subscribers`)."""

from __future__ import annotations

import logging

from flask import Flask

from webapp.core.db import DbSession
from webapp.jobs.registry import JobHandler, Payload, register
from webapp.staticsite import build, writer

JOB_KIND = "static_site"
log = logging.getLogger(__name__)


def _run(session: DbSession, payload: Payload, app: Flask) -> None:
    """Render and write the pages; nothing when STATIC_SITE_DIR was unset since queuing."""
    site = build.site_dir(app)
    if site is None:
        return
    with writer.locked(site):
        report = build.build_for(app, session, site, payload)
    log.info(
        "static site%s: %d written, %d unchanged, %d removed, %d photo files changed",
        " (full build)" if report.full else "",
        report.written,
        report.unchanged,
        report.removed,
        report.photos,
    )


STATIC_SITE = register(JobHandler(kind=JOB_KIND, run=_run))
