from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import NotAllowed
from hrperf.lib.roles import roles_of


def require_hr(actor: Any) -> None:
    """Robots and the delivery log are HR's."""
    if actor is None or not roles_of(actor).is_hr:
        raise NotAllowed(_("Only HR may do this."))
