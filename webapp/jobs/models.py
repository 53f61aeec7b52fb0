"""The durable job queue: rows in the database, claimed with a lease; the workers serving it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, str_enum, utcnow
from webapp.extensions import Model


class JobStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting (a retry waits here too, until `run_after`)
    RUNNING = "running"  # a worker holds it while its lease lasts
    DONE = "done"
    # Dead letter: given up after JOB_MAX_ATTEMPTS (or an error no retry can fix). Kept with its
    # error, shown on /admin/jobs/ and in `flask jobs list`, retried by a person, never dropped.
    DEAD = "dead"


class Job(Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "status", "run_after", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # Identifies the work ("machine_translate:12") so the same work is queued at most once.
    dedupe_key: Mapped[str | None] = mapped_column(String(100), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Renewed by the holding worker's heartbeat; once past, another worker may take the job over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last failed attempt
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the current attempt
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Worker(Model):
    """A worker process, as it reported itself: who, where, since when, last seen doing what."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # No foreign key: a purge of old jobs never has to wait for, or touch, this row.
    current_job_id: Mapped[int | None] = mapped_column(Integer)
    # What it takes and can do (`flask worker --kinds`), kept current by its heartbeat: the job
    # kinds it claims, and for machine translation the pairs in its model folder ("en-ja"), the
    # device and the compute type. None on rows written before workers reported them.
    kinds: Mapped[list | None] = mapped_column(JSON)
    pairs: Mapped[list | None] = mapped_column(JSON)
    device: Mapped[str | None] = mapped_column(String(20))
    compute_type: Mapped[str | None] = mapped_column(String(20))
