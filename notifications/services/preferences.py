"""A person's choice of how they are told: channels, at once or a daily digest, quiet hours,
language. Anyone signed in sets their own, and only their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import FieldError, NotAllowed, ValidationFailed
from notifications.models import Preference


def preference_save(
    *,
    user: Any,
    email: bool,
    robot: bool,
    mode: str,
    quiet_from: dt.time | None,
    quiet_until: dt.time | None,
    language: str,
) -> Preference:
    if user is None or not user.is_authenticated:
        raise NotAllowed(_("Sign in to choose how you are told."))
    errors: list[FieldError] = []
    if mode not in Preference.Mode.values:
        errors.append(FieldError("mode", _("Choose at once or a daily digest.")))
    if (quiet_from is None) != (quiet_until is None):
        field = "quiet_until" if quiet_until is None else "quiet_from"
        errors.append(FieldError(field, _("Give both ends of the quiet hours, or neither.")))
    elif quiet_from is not None and quiet_from == quiet_until:
        errors.append(FieldError("quiet_until", _("The quiet hours must end at another time.")))
    if language not in dict(settings.LANGUAGES):
        errors.append(FieldError("language", _("Choose Chinese or English.")))
    if errors:
        raise ValidationFailed(errors)
    preference, _created = Preference.objects.update_or_create(
        user=user,
        defaults={
            "email": email,
            "robot": robot,
            "mode": mode,
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "language": language,
        },
    )
    return preference
