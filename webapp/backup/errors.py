"""The one error of backups, shared by the archive's tables and its files."""

from __future__ import annotations


class BackupError(Exception):
    """A backup cannot be written or restored; the message tells the operator why."""
