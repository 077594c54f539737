"""What people are told, and how it reached them.

`Notification` is one event told to one person, unique per (event key, person): a repeated
task or a race writes nothing twice. `Delivery` is one message on one channel (a person's mail
or personal robot, or a group robot), unique by its key, sent by the worker, retried with
backoff, its outcome kept as the delivery log. A person who takes a daily digest gets their
notifications of the day as one `Digest`, one delivery per channel.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.messages import LABELS
from notifications.robots import Platform


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    ROBOT = "robot", _("Robot")


class Preference(models.Model):
    """How one person wants to be told. Without a row: mail, at once, no quiet hours."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DIGEST = "digest", _("A daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("by email"), default=True)
    robot = models.BooleanField(_("by my personal robot"), default=False)
    mode = models.CharField(_("when"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mode}"


class Robot(models.Model):
    """A Feishu, DingTalk or WeCom robot that HR set up: a group's (HR's or the director's
    chat), or one person's own."""

    class Audience(models.TextChoices):
        HR = "hr", _("HR's group")
        DIRECTOR = "director", _("The director's group")
        PERSON = "person", _("One person")

    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    url = models.CharField(_("address"), max_length=500)
    # Kept (not hashed): every message is signed with it.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="robots",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    class Meta:
        ordering = ["-active", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(audience="person") & models.Q(person__isnull=False))
                | (~models.Q(audience="person") & models.Q(person__isnull=True)),
                name="robot_person_iff_personal",
            )
        ]
        verbose_name = _("robot")
        verbose_name_plural = _("robots")

    def __str__(self) -> str:
        return self.name

    def masked_url(self) -> str:
        """The address with its token hidden but for its last four characters: anyone who has
        the whole address may post to the chat."""
        return re.sub(r"([A-Za-z0-9_-]{4,})([A-Za-z0-9_-]{4})(?=$|&)", _masked, self.url)


def _masked(match: re.Match[str]) -> str:
    return "…" + match.group(2)


class Digest(models.Model):
    """One person's notifications of one day, told as one message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day"),
        ]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.day}"


class Notification(models.Model):
    """One event told to one person (once: the key and the person are unique together)."""

    key = models.CharField(_("event"), max_length=120)
    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    context = models.JSONField(_("context"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # For a person who takes the daily digest: the digest it went in (empty until then).
    for_digest = models.BooleanField(_("for the digest"), default=False)
    digest = models.ForeignKey(
        Digest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("digest"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "user"], name="notification_once_a_person"),
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(for_digest=True, digest__isnull=True),
                name="notification_digest_due",
            )
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.key} → {self.user_id}"


class Delivery(models.Model):
    """One message on one channel: sent by the worker, retried with backoff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # "<event key>|<channel>:<target>": once per event and target, whatever retries.
    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # "email", or the robot's platform: what /healthz reports on.
    route = models.CharField(_("route"), max_length=10)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    robot = models.ForeignKey(
        Robot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("robot"),
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10)
    context = models.JSONField(_("context"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # Not before (quiet hours, or the next retry).
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_due",
            ),
            models.Index(fields=["route", "status", "-sent_at"], name="delivery_route_sent"),
            models.Index(fields=["route", "status", "-created_at"], name="delivery_route_failed"),
            models.Index(fields=["-created_at", "-id"], name="delivery_log"),
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return self.key

    def kind_label(self) -> str:
        return str(LABELS.get(self.kind, self.kind))


class DailyRun(models.Model):
    """A day's run of a daily job (the digests, the deadline reminders), recorded before it
    runs: the beat and the sweep both may start it, only one does. The deadline reminders
    also record each of their parts (`deadlines:<first id>-<last id>`, people by login id),
    finished when the part's reminders are recorded."""

    name = models.CharField(_("name"), max_length=40)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="daily_run_once"),
        ]
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
