"""Reads of the sign-in records: which usernames and addresses are locked out now."""

from __future__ import annotations

from accounts import lockouts
from accounts.lockouts import Lockout


def locked_sign_ins() -> list[Lockout]:
    """Every username and address locked out now, the latest to end first."""
    return lockouts.current_lockouts()
