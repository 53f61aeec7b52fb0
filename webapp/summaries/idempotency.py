"""Creating a summary once per key: a form token or an API Idempotency-Key.

The first creation records its key with the summary it made; a repeat within `KEY_HOURS` finds
that summary instead of making another. Keys are per person, so one person's key never reveals
another's summary. Expired keys are ignored, and deleted whenever a new key is recorded (no job
needed: the table only ever holds about a day of creations).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from webapp.accounts.models import User
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import ValidationError
from webapp.summaries.models import CreationKey, Summary

KEY_HOURS = 24
MAX_KEY = 255
HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as HTTP header values allow


def new_form_token() -> str:
    """A fresh token for one rendering of a new-summary form."""
    return secrets.token_urlsafe(24)


def valid_key(raw: str) -> bool:
    """A key we accept: 1-255 visible ASCII characters."""
    return bool(_KEY.fullmatch(raw))


def fingerprint(data: Any) -> str:
    """A hash of a request body, the same for the same JSON whatever its key order or spacing."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def created_with(
    session: DbSession, user: User, key: str, body_hash: str = "", *, field: str = HEADER
) -> Summary | None:
    """The summary this person created with `key` within KEY_HOURS, or None.

    The same key with another body is refused: it names a different creation.
    """
    since = utcnow() - timedelta(hours=KEY_HOURS)
    row = session.scalar(
        select(CreationKey).where(
            CreationKey.user_id == user.id, CreationKey.key == key, CreationKey.created_at >= since
        )
    )
    if row is None:
        return None
    if row.fingerprint != body_hash:
        raise ValidationError(
            {
                field: str(
                    _l(
                        "This key already created summary %(id)d with a different request; "
                        "send a new key for a new summary.",
                        id=row.summary_id,
                    )
                )
            }
        )
    return session.get(Summary, row.summary_id)


def remember(
    session: DbSession, user: User, key: str, summary: Summary, body_hash: str = ""
) -> None:
    """Record that `key` created `summary`; forget expired keys and an expired use of this one."""
    since = utcnow() - timedelta(hours=KEY_HOURS)
    session.execute(
        delete(CreationKey).where(
            (CreationKey.created_at < since)
            | ((CreationKey.user_id == user.id) & (CreationKey.key == key))
        )
    )
    session.add(CreationKey(user_id=user.id, key=key, fingerprint=body_hash, summary_id=summary.id))
    session.flush()
