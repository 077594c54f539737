"""The reads of notifications: who belongs to a group, a person's preference, HR's robots and
delivery log, and each channel's last delivery (for /healthz)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrperf.lib.roles import DIRECTOR, HR
from notifications.models import Delivery, Preference, Robot
from notifications.robots import Platform

ROUTE_LABELS = {"email": _("Email"), **dict(Platform.choices)}


def group_members(group: str) -> list[int]:
    """The active logins of HR or of the director (one query)."""
    assert group in (HR, DIRECTOR)
    return list(
        get_user_model()
        .objects.filter(groups__name=group, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def preference_of(user: Any) -> Preference:
    """A person's preference, or the default one (not saved)."""
    found = Preference.objects.filter(user=user).first()
    return found or Preference(user=user, language=settings.LANGUAGE_CODE)


def personal_robots(user: Any) -> list[Robot]:
    return list(Robot.objects.filter(audience=Robot.Audience.PERSON, person=user, active=True))


def robot_get(pk: int) -> Robot | None:
    """One robot, for HR's pages (HR sees every robot)."""
    return Robot.objects.filter(pk=pk).first()


def robots() -> QuerySet[Robot]:
    return Robot.objects.select_related("person", "created_by").order_by("-active", "name", "pk")


def delivery_log(*, status: str = "", route: str = "") -> QuerySet[Delivery]:
    """Every delivery, newest first, for HR's log (by status, by channel: "email" or a
    platform)."""
    rows = Delivery.objects.select_related("user__employee", "robot").order_by("-created_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    if route:
        rows = rows.filter(route=route)
    return rows


def channel_status() -> dict[str, dict[str, Any]]:
    """Each channel in use (mail, and each platform with an active robot): when it last sent a
    message and when a delivery last failed (two indexed look-ups each)."""
    platforms = sorted(set(Robot.objects.filter(active=True).values_list("platform", flat=True)))
    found: dict[str, dict[str, Any]] = {}
    for route in ["email", *platforms]:
        rows = Delivery.objects.filter(route=route)
        sent = rows.filter(status=Delivery.Status.SENT).order_by("-sent_at").first()
        failed = rows.filter(status=Delivery.Status.FAILED).order_by("-created_at").first()
        found[route] = {
            "label": ROUTE_LABELS.get(route, route),
            "last_sent": sent.sent_at if sent else None,
            "last_failed": failed.created_at if failed else None,
            "last_error": failed.last_error[:120] if failed else "",
        }
    return found
