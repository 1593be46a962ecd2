"""Password hashing with scrypt, a memory-hard KDF from the standard library.

Stored as `scrypt$<n>$<r>$<p>$<salt>$<hash>` (base64), so the cost can rise
later without invalidating existing hashes.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

R, P, DKLEN = 8, 1, 32


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, n: int) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=R, p=P,
                            dklen=DKLEN, maxmem=256 * 1024 * 1024)
    return f"scrypt${n}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), dklen=DKLEN,
                                maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


# Verified against when an email is unknown, so a login takes as long either way
# and does not reveal which emails have accounts.
def dummy_hash(n: int) -> str:
    return hash_password(secrets.token_urlsafe(16), n)
