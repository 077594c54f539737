"""The form of an API token: `hrp_<prefix>_<secret>` (a client's) or `hrpu_<prefix>_<secret>`
(a person's own). The prefix (8 lower-case letters or digits) finds the token; only the
SHA-256 of the secret is stored, and compared."""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Final

from clients.models import TOKEN_PREFIX_LENGTH

KEYWORD: Final = "hrp"
PERSONAL_KEYWORD: Final = "hrpu"
PREFIX_ALPHABET: Final = string.ascii_lowercase + string.digits
SECRET_BYTES: Final = 32


def hash_secret(secret: str) -> str:
    """The stored form of a token's secret: SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_prefix() -> str:
    return "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(TOKEN_PREFIX_LENGTH))


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def raw_token(prefix: str, secret: str, keyword: str = KEYWORD) -> str:
    return f"{keyword}_{prefix}_{secret}"


def is_personal(raw: str) -> bool:
    return raw.startswith(f"{PERSONAL_KEYWORD}_")


def parse(raw: str, keyword: str = KEYWORD) -> tuple[str, str] | None:
    """(prefix, secret) of a raw token of the `keyword` kind, or None if it is malformed."""
    found, _sep, rest = raw.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if (
        found != keyword
        or len(prefix) != TOKEN_PREFIX_LENGTH
        or any(char not in PREFIX_ALPHABET for char in prefix)
        or not 20 <= len(secret) <= 200
    ):
        return None
    return prefix, secret
