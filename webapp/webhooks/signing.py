"""The signature on every webhook request: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>.

The timestamp is inside what is signed, so a receiver that refuses old timestamps cannot be fed
a captured request again (see the package docstring for how to verify).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOLERANCE_SECONDS = 300  # what we tell receivers to accept between our clock and theirs


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, URL-safe text."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Kakehashi-Signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
