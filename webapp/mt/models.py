"""Evaluations of machine-translation models on the office's own approved segments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime, utcnow
from webapp.extensions import Model


class Evaluation(Model):
    """One run of `mt.evaluation`: the installed model and/or a candidate package scored on the
    same fixed sample of approved segments of a pair; the figures are in `metrics`."""

    __tablename__ = "mt_evaluations"
    __table_args__ = (Index("ix_mt_evaluations_pair", "source_locale", "target_locale", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(8))
    target_locale: Mapped[str] = mapped_column(String(8))
    # The model in use for the pair when it ran ("translate-en_ja 0.1"); None: none installed.
    installed_model: Mapped[str | None] = mapped_column(String(200))
    installed_sha256: Mapped[str | None] = mapped_column(String(64))
    # The package tried against it; None when only the installed model was evaluated.
    candidate_model: Mapped[str | None] = mapped_column(String(200))
    candidate_sha256: Mapped[str | None] = mapped_column(String(64))
    sample_size: Mapped[int] = mapped_column(Integer)
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Candidate(Model):
    """A package uploaded for evaluation, kept in the database (in `CandidateChunk` rows) so that
    a worker on any host can read it; deleted when its evaluation finishes or is given up."""

    __tablename__ = "mt_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # the file's name as uploaded
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # The evaluation job that reads it (set in the same transaction as the upload).
    job_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CandidateChunk(Model):
    """One piece of a candidate's bytes, in order (a row per MiB: no row holds the whole file)."""

    __tablename__ = "mt_candidate_chunks"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("mt_candidates.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
