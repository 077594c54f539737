"""HR's robots: adding one (its address and secret checked as its platform documents, and
against the rules of outbound requests), a test message sent at once, and switching one off."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import FieldError, ValidationFailed
from hrperf.lib.roles import roles_of
from notifications import robots
from notifications.models import Channel, Delivery, Robot
from notifications.services.common import require_hr
from notifications.services.deliver import delivery_send

NAME_MAX = 100


def robot_create(
    *,
    actor: Any,
    name: str,
    platform: str,
    url: str,
    secret: str = "",
    audience: str,
    person_id: int | None = None,
    language: str = "",
) -> Robot:
    """Add a robot, every field checked first; nothing is saved from a bad request."""
    require_hr(actor)
    name, url, secret = name.strip(), url.strip(), secret.strip()
    errors = _problems(name, platform, url, secret, audience, person_id, language)
    if errors:
        raise ValidationFailed(errors)
    return Robot.objects.create(
        name=name,
        platform=platform,
        url=url,
        secret=secret,
        audience=audience,
        person_id=person_id if audience == Robot.Audience.PERSON else None,
        language=language or settings.LANGUAGE_CODE,
        created_by=actor,
    )


def _problems(
    name: str,
    platform: str,
    url: str,
    secret: str,
    audience: str,
    person_id: int | None,
    language: str,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not name:
        errors.append(FieldError("name", _("Give the robot a name."), "required"))
    elif len(name) > NAME_MAX:
        errors.append(FieldError("name", _("At most %(max)s characters.") % {"max": NAME_MAX}))
    if platform not in robots.Platform.values:
        errors.append(FieldError("platform", _("Choose Feishu, DingTalk or WeCom.")))
    else:
        problem = robots.url_problem(platform, url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)
        if problem:
            errors.append(FieldError("url", problem))
        problem = robots.secret_problem(platform, secret)
        if problem:
            errors.append(FieldError("secret", problem))
    if audience not in Robot.Audience.values:
        errors.append(FieldError("audience", _("Choose whom the robot tells.")))
    elif audience == Robot.Audience.PERSON and not _person_ok(person_id):
        errors.append(FieldError("person", _("Choose the person whose robot this is."), "required"))
    if language and language not in dict(settings.LANGUAGES):
        errors.append(FieldError("language", _("Choose Chinese or English.")))
    return errors


def _person_ok(person_id: int | None) -> bool:
    if person_id is None:
        return False
    user = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    return user is not None and roles_of(user).signed_in


def robot_disable(*, actor: Any, robot: Robot) -> Robot:
    require_hr(actor)
    Robot.objects.filter(pk=robot.pk, active=True).update(active=False, disabled_at=timezone.now())
    robot.refresh_from_db()
    return robot


def robot_test(*, actor: Any, robot: Robot) -> Delivery:
    """Send a test message now, from the request (HR waits at most the send's timeout), and
    keep it in the delivery log."""
    require_hr(actor)
    if not robot.active:
        raise ValidationFailed([FieldError("robot", _("This robot is switched off."))])
    with transaction.atomic():
        delivery = Delivery.objects.create(
            key=f"test:{uuid.uuid4()}|robot:{robot.pk}",
            kind="test",
            channel=Channel.ROBOT,
            route=robot.platform,
            robot=robot,
            user=actor,
            language=robot.language,
            context={},
            next_attempt_at=timezone.now(),
        )
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    if delivery.status == Delivery.Status.PENDING:  # a test is tried once
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
        delivery.refresh_from_db()
    return delivery
