"""Password hashes: argon2id from argon2-cffi, salted, with its parameters in the hash.

A sign-in for an account that does not exist verifies against a dummy hash made with the
same parameters, so it takes as long as a wrong password and tells an attacker nothing.
"""

from __future__ import annotations

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 1024  # a cap on what is hashed: a megabyte "password" is an attack, not a secret

_lock = threading.Lock()
_hasher = PasswordHasher()  # RFC 9106's low-memory profile (argon2id, 64 MiB, t=3)
_dummy: str | None = None


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the hashing parameters (tests use a cheap profile; hashes keep their own)."""
    global _hasher, _dummy
    with _lock:
        _hasher, _dummy = hasher, None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new(password: str) -> str | None:
    """Why a new password is refused, as a message key; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return "auth.err.password_short"
    if len(password) > MAX_LENGTH:
        return "auth.err.password_long"
    return None


def verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`; None (no such account) costs a verification
    against a dummy hash all the same."""
    global _dummy
    real = stored is not None and len(password) <= MAX_LENGTH
    if stored is None:
        with _lock:
            if _dummy is None:
                _dummy = _hasher.hash(secrets.token_urlsafe(16))
            stored = _dummy
    if len(password) > MAX_LENGTH:
        password = password[:MAX_LENGTH]  # still one verification, so still the same time
    try:
        return _hasher.verify(stored, password) and real
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    try:
        return _hasher.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True
