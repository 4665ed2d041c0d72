"""Credentials: password hashes (scrypt), the password policy, and the digests that stand
for API tokens, session ids and job files in the store (SHA-256: a stolen database gives
no usable credential)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from exportguard.errors import FieldError

#: Passwords: 12 to 128 characters (OWASP ASVS 2.1.1, 2.1.2) and not guessable: zxcvbn's
#: score of at least 3 of 4, which also refuses the common and breached passwords of its
#: frequency lists and variations of the user name (ASVS 2.1.7, offline).
MIN_PASSWORD, MAX_PASSWORD, MIN_STRENGTH = 12, 128, 3


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$digest`` (hex), with a new random salt unless one is given."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (:func:`hash_password`) was made from;
    False for a malformed hash."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


@cache
def dummy_hash() -> str:
    """Checked when the user name does not exist, so that answer takes as long as a wrong
    password (a hash of a random password nobody knows; made on first use, not at import:
    a one-off command never signs in)."""
    return hash_password(secrets.token_urlsafe(24))


def password_problems(password: str, username: str) -> list[FieldError]:
    """Why a password is refused (empty: acceptable). The message is the user's to read."""
    if len(password) < MIN_PASSWORD:
        return [FieldError("password", f"at least {MIN_PASSWORD} characters")]
    if len(password) > MAX_PASSWORD:
        return [FieldError("password", f"at most {MAX_PASSWORD} characters")]
    from zxcvbn import zxcvbn

    # zxcvbn refuses to score more than 72 characters (ValueError): the first 72 of a
    # longer password are what it can judge, and a weak start of a long one is still weak.
    found = zxcvbn(password[:72], user_inputs=[username, "exportguard"])
    if found["score"] < MIN_STRENGTH:
        advice = found["feedback"]["warning"] or " ".join(found["feedback"]["suggestions"])
        return [FieldError("password", "too easy to guess" + (f": {advice}" if advice else ""))]
    return []


def sha256_hex(text: str) -> str:
    """The SHA-256 of ``text`` (UTF-8), hex: what the store keeps of a token or session id,
    and what the audit trail keeps of a job's input and result."""
    return hashlib.sha256(text.encode()).hexdigest()
