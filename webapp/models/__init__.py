"""The domain model; import from here so every table is registered on the metadata."""

from webapp.models.audit import AuditEvent
from webapp.models.queue import Job, JobStatus
from webapp.models.summary import Publication, Revision, Segment, Summary
from webapp.models.translation import (
    MemoryEntry,
    Origin,
    SegmentStatus,
    SegmentTranslation,
    Translation,
    TranslationStatus,
)
from webapp.models.user import ApiToken, Role, User, UserRole

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Job",
    "JobStatus",
    "MemoryEntry",
    "Origin",
    "Publication",
    "Revision",
    "Role",
    "Segment",
    "SegmentStatus",
    "SegmentTranslation",
    "Summary",
    "Translation",
    "TranslationStatus",
    "User",
    "UserRole",
]
