"""Password hashing (argon2id) and the rules a new password must meet.

Hashes from before argon2 (Werkzeug's scrypt or pbkdf2) still verify and are replaced by an
argon2id hash at the next successful sign-in. Unknown e-mail addresses go through the same argon2
work against a dummy hash, so the response time does not tell which addresses exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from webapp.core.schemas import storable

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; this bounds the work one request can cause
# zxcvbn's score: 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_SCORE = 3
UNUSABLE = "!"
ZXCVBN_MAX = 72  # a stored value no password verifies against (exported or disabled accounts)

HASHER = PasswordHasher()  # argon2id with the RFC 9106 low-memory parameters


@dataclass(frozen=True)
class Verdict:
    ok: bool
    new_hash: str | None = None  # set when the stored hash should be replaced


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@cache
def _dummy_hash() -> str:
    return HASHER.hash("not a password anyone has: the work for unknown addresses")


def verify(stored: str | None, password: str) -> Verdict:
    """Check `password` against `stored` (None: unknown user, same work, never ok)."""
    if stored is None or stored == UNUSABLE:
        _argon2_verify(_dummy_hash(), password)
        return Verdict(False)
    if not stored.startswith("$argon2"):
        # A legacy Werkzeug hash: verify it, then move the account to argon2id.
        if check_password_hash(stored, password):
            return Verdict(True, hash_password(password))
        return Verdict(False)
    if not _argon2_verify(stored, password):
        return Verdict(False)
    return Verdict(True, hash_password(password) if HASHER.check_needs_rehash(stored) else None)


def _argon2_verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why `password` may not be used, in the UI language, or None when it is fine.

    zxcvbn (Dropbox's estimator) ships the common-password and dictionary lists and scores
    repeats, sequences, keyboard patterns and dates; the user's own e-mail and name count too.
    """
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    if not storable(password):  # sign-in refuses such a password: accepting it locks one out
        return str(_l("Contains control characters or broken Unicode; remove them."))
    from zxcvbn import zxcvbn

    inputs = [part for value in user_inputs for part in value.replace("@", " ").split()]
    # zxcvbn refuses more than 72 characters (its cost grows with length); the first 72 decide.
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=[*inputs, "kakehashi"])["score"] < MIN_SCORE:
        return str(
            _l(
                "This password is too easy to guess. Avoid common passwords, names, repeats "
                "and sequences; a few unrelated words make a strong one."
            )
        )
    return None
