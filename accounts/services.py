"""Writes of sign-in: releasing a lockout (HR), and making or updating a login with its role
(the `create_user` command).

Releasing a lockout forgets the failed sign-ins of a username or of an address, so the next
sign-in is judged afresh; it is logged (logger `accounts`, with who released what), since the
audit trail of the product records reviews and quarters only.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from axes.models import AccessAttempt
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.lockouts import ADDRESS, USERNAME
from hrperf.lib.errors import ErrorList, NotAllowed
from hrperf.lib.roles import roles_of

logger = logging.getLogger("accounts")


def lockout_release(*, actor: Any, kind: str, value: str) -> int:
    """Forget the failed sign-ins of a username (`kind` "username") or an address ("address");
    returns how many records went (0: it was not locked). HR only."""
    if not roles_of(actor).is_hr:
        raise NotAllowed(_("Only HR may unlock sign-ins."))
    value = value.strip()
    errors = ErrorList()
    if kind not in (USERNAME, ADDRESS):
        errors.add("kind", _("Choose a username or an address."), "invalid_choice")
    if not value:
        errors.add("value", _("Name the username or the address to unlock."), "required")
    elif kind == ADDRESS:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            errors.add("value", _("This is not an IP address."))
    errors.raise_if_any()
    attempts = AccessAttempt.objects.filter(
        **({"username": value} if kind == USERNAME else {"ip_address": value})
    )
    with transaction.atomic():
        released, _details = attempts.delete()
    logger.info(
        "Sign-in lockout of %s %r released by user %s (%s records)",
        kind,
        value,
        getattr(actor, "pk", None),
        released,
    )
    return released
