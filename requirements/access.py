"""Access codes customers use to see their requirement: random, shown once, stored as a hash."""

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/l: customers copy these from e-mails and phone calls.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
LENGTH = 12


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_hash(code: str) -> str:
    """A keyed hash: fast enough for the public look-up, useless without the server's key."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, code.strip().encode(), hashlib.sha256).hexdigest()


def code_matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(code_hash(code), stored_hash)
