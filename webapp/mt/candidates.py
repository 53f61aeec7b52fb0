"""Candidate packages waiting for their evaluation, kept in the database.

The model page and the worker that evaluates may sit on different hosts: the one place both
reach is the database, so the upload is stored there, in pieces of a MiB (`CandidateChunk`), and
written back to a temporary file by the worker. Memory stays at one piece at either end. The
package is deleted when its evaluation finishes or is given up, and whenever a candidate's job
no longer waits or runs (a crash, a purge, a job deleted by hand), the next upload sweeps it.

Nothing here commits.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, select

from webapp.core.db import DbSession
from webapp.jobs.models import Job, JobStatus
from webapp.mt.archives import PackageError
from webapp.mt.models import Candidate, CandidateChunk

CHUNK_BYTES = 1024 * 1024


def store(session: DbSession, stream: BinaryIO, name: str, max_bytes: int) -> Candidate:
    """Keep an uploaded package's bytes; refused (nothing kept) when larger than `max_bytes`."""
    candidate = Candidate(name=name[:200], sha256="", size_bytes=0)
    session.add(candidate)
    session.flush()
    digest, size, seq = hashlib.sha256(), 0, 0
    while piece := stream.read(CHUNK_BYTES):
        size += len(piece)
        if size > max_bytes:
            discard(session, candidate.id)
            raise PackageError(f"{name}: larger than {max_bytes // 1024**2} MB.")
        digest.update(piece)
        chunk = CandidateChunk(candidate_id=candidate.id, seq=seq, data=piece)
        session.add(chunk)
        session.flush()
        session.expunge(chunk)  # one piece in memory at a time
        seq += 1
    candidate.sha256, candidate.size_bytes = digest.hexdigest(), size
    session.flush()
    return candidate


def write_to(session: DbSession, candidate_id: int, path: Path) -> Candidate:
    """Write a stored candidate to `path`, piece by piece, checking its sha256.

    Raises PackageError when it is gone (its evaluation was given up) or damaged.
    """
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise PackageError(
            "the uploaded candidate is no longer stored (its evaluation was given up); "
            "upload it again."
        )
    digest = hashlib.sha256()
    seqs = session.scalars(
        select(CandidateChunk.seq)
        .where(CandidateChunk.candidate_id == candidate_id)
        .order_by(CandidateChunk.seq)
    ).all()
    with path.open("wb") as out:
        for seq in seqs:
            piece = session.scalar(
                select(CandidateChunk.data).where(
                    CandidateChunk.candidate_id == candidate_id, CandidateChunk.seq == seq
                )
            )
            assert piece is not None
            digest.update(piece)
            out.write(piece)
    if digest.hexdigest() != candidate.sha256:
        raise PackageError(f"{candidate.name}: the stored copy is damaged (sha256 differs).")
    return candidate


def discard(session: DbSession, candidate_id: int) -> None:
    """Delete a candidate and its bytes (nothing happens if it is already gone)."""
    session.execute(delete(CandidateChunk).where(CandidateChunk.candidate_id == candidate_id))
    session.execute(delete(Candidate).where(Candidate.id == candidate_id))


def sweep(session: DbSession) -> int:
    """Delete every candidate whose evaluation job no longer waits or runs; return how many."""
    live = select(Job.id).where(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
    orphans = session.scalars(
        select(Candidate.id).where((Candidate.job_id.is_(None)) | Candidate.job_id.not_in(live))
    ).all()
    for candidate_id in orphans:
        discard(session, candidate_id)
    return len(orphans)


def count(session: DbSession) -> int:
    """How many candidates are stored (for tests and the page)."""
    return len(session.scalars(select(Candidate.id)).all())
