"""Writes for API clients, their tokens and webhooks; the webhook outbox and its sender; and
the personal API tokens of HR and the director.

Only HR manages clients, tokens and webhooks (NotAllowed otherwise). ``actor=None`` stands for
the operator at the shell (the ``create_api_token`` command), who may do the same.

Webhooks work as an outbox: ``webhooks_emit`` runs inside the domain's own transaction and
only writes one ``WebhookDelivery`` row per matching webhook, so an event exists exactly when
the change that caused it was committed; the worker sends it afterwards
(``webhook_deliver``), claiming the row with a conditional update so that two workers never
send it at the same time, and retries it with backoff. A slow or dead receiver never holds up
the domain, and no webhook problem is ever raised into it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clients import tokens, webhooks
from clients.models import (
    CLIENT_NAME_MAX_LENGTH,
    CLIENT_NAME_VALIDATOR,
    PERSONAL_TOKEN_NAME_MAX_LENGTH,
    ApiClient,
    ApiToken,
    PersonalToken,
    Scope,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from hrperf.lib.errors import Conflict, ErrorList, FieldError, NotAllowed, ValidationFailed
from hrperf.lib.roles import HR, roles_of
from hrperf.lib.tasks import publish

logger = logging.getLogger(__name__)

Actor = AbstractBaseUser | AnonymousUser | None

T = TypeVar("T")
StrOrPromise = str | Promise

SERVICE_USER_PREFIX: Final = "api:"
# last_used_at is written at most this often per token.
TOKEN_TOUCH_INTERVAL: Final = dt.timedelta(minutes=1)

DELIVERY_STATUS = WebhookDelivery.Status
MAX_ATTEMPTS: Final = 8
# Wait after failed attempt 1, 2, … (the last one repeats): 30 s, 2 min, 10 min, 1 h, 6 h …
RETRY_DELAYS: Final = (30, 120, 600, 3600, 21600, 21600, 21600)
# A worker holds a claimed delivery this long; after that another may take it over.
DELIVERY_LEASE: Final = dt.timedelta(seconds=60)
# A task may run this much before a delivery's next attempt is due (clocks of two machines).
EARLY_TOLERANCE: Final = dt.timedelta(seconds=5)
# The sweeper re-sends deliveries overdue by this much: their task was lost, or never sent
# because the retry was too far away to hold in the broker.
SWEEP_GRACE: Final = dt.timedelta(seconds=30)
SWEEP_BATCH: Final = 500


# -- helpers ---------------------------------------------------------------------------------


def _require_hr(actor: Actor) -> None:
    if actor is None:  # the operator at the shell
        return
    if not roles_of(actor).is_hr:
        raise NotAllowed(_("Only HR may manage API clients, tokens and webhooks."))


def _user_or_none(actor: Actor) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def service_username(name: str) -> str:
    return f"{SERVICE_USER_PREFIX}{name}"


def _hr_group() -> Group:
    group, _created = Group.objects.get_or_create(name=HR)
    return group


def _check_name(errors: ErrorList, name: str, max_length: int, required: StrOrPromise) -> bool:
    """Whether `name` is neither empty nor too long; adds the problem to `errors` if it is."""
    if not name:
        errors.add("name", required, "required")
        return False
    if len(name) > max_length:
        errors.add(
            "name",
            _("The name is too long: at most %(max)s characters.") % {"max": max_length},
        )
        return False
    return True


# -- clients ---------------------------------------------------------------------------------


def client_create(*, actor: Actor, name: str, description: str = "") -> ApiClient:
    """A new client with its own service user `api:<name>` (no password: it cannot log in)."""
    _require_hr(actor)
    name = name.strip().lower()
    errors = ErrorList()
    if _check_name(errors, name, CLIENT_NAME_MAX_LENGTH, _("Give the client a name.")):
        try:
            CLIENT_NAME_VALIDATOR(name)
        except ValidationError as exc:
            errors.add("name", exc.messages[0])
        else:
            if (
                ApiClient.objects.filter(name=name).exists()
                or User.objects.filter(username=service_username(name)).exists()
            ):
                errors.add("name", _("A client with this name already exists."), "unique")
    errors.raise_if_any()
    try:
        with transaction.atomic():
            user = User(username=service_username(name))
            user.set_unusable_password()
            user.save()
            client = ApiClient.objects.create(
                name=name,
                description=description.strip(),
                user=user,
                created_by=_user_or_none(actor),
            )
    except IntegrityError as exc:  # created at the same moment by someone else
        raise ValidationFailed(
            [FieldError("name", _("A client with this name already exists."), "unique")]
        ) from exc
    logger.info("API client %r created by user %s", name, getattr(actor, "pk", None))
    return client


# -- tokens ----------------------------------------------------------------------------------


def token_create(*, actor: Actor, client: ApiClient, scope: str) -> tuple[ApiToken, str]:
    """A new token for `client`; returns it with the raw token, which is never stored and cannot
    be shown again. An `hr` token makes the client's service user a member of the HR group."""
    _require_hr(actor)
    if scope not in Scope.values:
        raise ValidationFailed(
            [FieldError("scope", _("Choose the payroll or the HR scope."), "invalid_choice")]
        )
    if not client.active:
        raise Conflict(_("This client is not active."), code="inactive")

    def make(prefix: str, key_hash: str) -> ApiToken:
        token = ApiToken.objects.create(
            client=client,
            prefix=prefix,
            key_hash=key_hash,
            scope=scope,
            created_by=_user_or_none(actor),
        )
        if scope == Scope.HR:
            client.user.groups.add(_hr_group())
        return token

    token, raw = _with_new_secret(make, tokens.KEYWORD)
    logger.info(
        "API token %s (%s) created for client %r by user %s",
        token.prefix,
        scope,
        client.name,
        getattr(actor, "pk", None),
    )
    return token, raw


def _with_new_secret(make: Callable[[str, str], T], keyword: str) -> tuple[T, str]:
    """`make(prefix, key_hash)` with a new secret under a new prefix (another one if the prefix
    is taken), in a transaction; returns what it made and the raw token."""
    secret = tokens.new_secret()
    for _attempt in range(5):
        prefix = tokens.new_prefix()
        try:
            with transaction.atomic():
                made = make(prefix, tokens.hash_secret(secret))
        except IntegrityError:  # the prefix is taken: draw another
            continue
        return made, tokens.raw_token(prefix, secret, keyword)
    raise Conflict(_("Could not make a unique token. Please try again."), code="conflict")


def token_touch(*, token: ApiToken | PersonalToken, now: dt.datetime | None = None) -> bool:
    """Record that `token` (a client's or a person's) was used: at most once a minute, with one
    conditional update (so that of many requests at once, only one writes)."""
    now = now or timezone.now()
    if token.last_used_at is not None and token.last_used_at > now - TOKEN_TOUCH_INTERVAL:
        return False  # recorded less than a minute ago, as loaded: no query at all
    touched = (
        type(token)
        .objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_TOUCH_INTERVAL))
        .update(last_used_at=now)
    )
    if touched:
        token.last_used_at = now
    return bool(touched)


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke `token` at once (revoking it again changes nothing). The client's service user
    leaves the HR group when its last HR token goes."""
    _require_hr(actor)
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=_user_or_none(actor)
        )
        if revoked and token.scope == Scope.HR:
            still_hr = ApiToken.objects.filter(
                client_id=token.client_id, scope=Scope.HR, revoked_at__isnull=True
            ).exists()
            if not still_hr:
                ApiClient.objects.get(pk=token.client_id).user.groups.remove(_hr_group())
    if revoked:
        logger.info("API token %s revoked by user %s", token.prefix, getattr(actor, "pk", None))
    token.refresh_from_db()
    return token


# -- personal tokens -------------------------------------------------------------------------


def personal_token_create(
    *, actor: Actor, name: str, expires_at: dt.datetime | None = None
) -> tuple[PersonalToken, str]:
    """A new token of the actor's own (HR or the director only); returns it with the raw
    token, which is never stored and cannot be shown again."""
    if not isinstance(actor, User) or not roles_of(actor).holds_personal_tokens:
        raise NotAllowed(_("Only HR and the director may have API tokens of their own."))
    name = name.strip()
    errors = ErrorList()
    _check_name(
        errors,
        name,
        PERSONAL_TOKEN_NAME_MAX_LENGTH,
        _("Give the token a name, such as the script that uses it."),
    )
    if expires_at is not None and expires_at <= timezone.now():
        errors.add("expires_at", _("The expiry must be in the future."))
    errors.raise_if_any()
    owner = actor
    token, raw = _with_new_secret(
        lambda prefix, key_hash: PersonalToken.objects.create(
            user=owner, name=name, prefix=prefix, key_hash=key_hash, expires_at=expires_at
        ),
        tokens.PERSONAL_KEYWORD,
    )
    logger.info("Personal API token %s created by user %s", token.prefix, owner.pk)
    return token, raw


def personal_token_revoke(*, actor: Actor, token: PersonalToken) -> PersonalToken:
    """Revoke `token` at once: its owner may, and so may a superuser (the admin) or the operator
    at the shell (`actor=None`). Revoking it again changes nothing."""
    if (
        actor is not None
        and actor.pk != token.user_id
        and not getattr(actor, "is_superuser", False)
    ):
        raise NotAllowed(_("Only its owner may revoke a personal token."))
    revoked = PersonalToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        logger.info(
            "Personal API token %s revoked by user %s", token.prefix, getattr(actor, "pk", None)
        )
    token.refresh_from_db()
    return token


# -- webhooks --------------------------------------------------------------------------------


def webhook_create(*, actor: Actor, client: ApiClient, url: str, events: Sequence[str]) -> Webhook:
    """A new webhook of `client`, with a new signing secret (`webhook.secret`): show it to the
    user now; the pages never show it again."""
    _require_hr(actor)
    url = url.strip()
    errors = ErrorList()
    if not url:
        errors.add("url", _("Enter the address that should receive the events."), "required")
    else:
        problem = webhooks.url_problem(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)
        if problem is not None:
            errors.add("url", problem)
    chosen = list(dict.fromkeys(events))
    if not chosen:
        errors.add("events", _("Choose at least one event."), "required")
    elif any(event not in WebhookEvent.values for event in chosen):
        errors.add("events", _("Unknown event."), "invalid_choice")
    errors.raise_if_any()
    with transaction.atomic():
        webhook = Webhook.objects.create(
            client=client,
            url=url,
            secret=f"whsec_{secrets.token_urlsafe(32)}",
            events=chosen,
            created_by=_user_or_none(actor),
        )
    logger.info("Webhook %s created for client %r", webhook.pk, client.name)
    return webhook


def webhook_disable(*, actor: Actor, webhook: Webhook) -> Webhook:
    """Stop sending to `webhook`; its deliveries not sent yet are given up."""
    _require_hr(actor)
    now = timezone.now()
    with transaction.atomic():
        Webhook.objects.filter(pk=webhook.pk, active=True).update(active=False, disabled_at=now)
        webhook.deliveries.filter(status=DELIVERY_STATUS.PENDING).update(
            status=DELIVERY_STATUS.FAILED,
            last_error="webhook disabled",
            next_attempt_at=None,
            locked_until=None,
        )
    webhook.refresh_from_db()
    return webhook


def _jsonable(value: Any) -> Any:
    """Payload values as JSON: decimals as strings, datetimes in local time with their offset."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not a webhook payload value")


def webhooks_emit(*, event: str, payload: Mapping[str, Any]) -> int:
    """Queue `event` for every active webhook that wants it; returns how many deliveries.

    Call it inside the transaction of the change it reports: the deliveries are written there
    (and vanish if it rolls back) and handed to the worker once it commits. It never raises for
    a webhook problem: a failure here is logged and the caller's transaction goes on.
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the caller's work intact
            hooks = [
                hook_id
                for hook_id, events in Webhook.objects.filter(
                    active=True, client__active=True
                ).values_list("pk", "events")
                if event in events
            ]
            if not hooks:
                return 0
            data = _jsonable(payload)
            event_id = uuid.uuid4()
            now = timezone.now()
            WebhookDelivery.objects.bulk_create(
                WebhookDelivery(
                    webhook_id=hook_id,
                    event=event,
                    event_id=event_id,
                    payload=data,
                    next_attempt_at=now,
                )
                for hook_id in hooks
            )
            delivery_ids = list(
                WebhookDelivery.objects.filter(event_id=event_id).values_list("pk", flat=True)
            )
    except Exception:
        logger.exception("Could not queue webhook event %s", event)
        return 0
    transaction.on_commit(lambda: _enqueue(delivery_ids), robust=True)
    return len(delivery_ids)


def webhooks_emit_many(*, event: str, payloads: Sequence[Mapping[str, Any]]) -> int:
    """`webhooks_emit` for many events of one kind at once (a batch approval): one delivery
    per matching webhook and payload, each payload its own event id, written in one bulk insert.
    Same contract: call it inside the change's transaction; it never raises for a webhook
    problem; the deliveries are handed to the worker once the transaction commits, a few
    hundred a task (`_hand_out`)."""
    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    if not payloads:
        return 0
    try:
        with transaction.atomic():
            hooks = [
                hook_id
                for hook_id, events in Webhook.objects.filter(
                    active=True, client__active=True
                ).values_list("pk", "events")
                if event in events
            ]
            if not hooks:
                return 0
            events = [(uuid.uuid4(), _jsonable(payload)) for payload in payloads]
            if connection.vendor == "postgresql":
                delivery_ids = _deliveries_insert(event, hooks, events)
            else:
                made = WebhookDelivery.objects.bulk_create(
                    (
                        WebhookDelivery(
                            webhook_id=hook_id,
                            event=event,
                            event_id=event_id,
                            payload=data,
                            next_attempt_at=timezone.now(),
                        )
                        for event_id, data in events
                        for hook_id in hooks
                    ),
                    batch_size=2000,
                )
                delivery_ids = list(
                    WebhookDelivery.objects.filter(
                        event_id__in=[delivery.event_id for delivery in made]
                    ).values_list("pk", flat=True)
                )
    except Exception:
        logger.exception("Could not queue webhook events %s", event)
        return 0
    transaction.on_commit(lambda: _hand_out(delivery_ids), robust=True)
    return len(delivery_ids)


# PostgreSQL: many deliveries in one statement, their payloads sent as one JSON document (one
# parameter, where a bulk insert would quote each payload apart).
DELIVERIES_SQL = """
INSERT INTO {table} (webhook_id, event, event_id, payload, status, attempts, last_error,
                     next_attempt_at, created_at)
SELECT hook.id, %s, (item->>0)::uuid, item->1, %s, 0, '', %s, %s
FROM jsonb_array_elements(%s::jsonb) AS item CROSS JOIN unnest(%s::bigint[]) AS hook(id)
RETURNING id
"""


def _deliveries_insert(
    event: str, hooks: Sequence[int], events: Sequence[tuple[uuid.UUID, Any]]
) -> list[int]:
    now = timezone.now()
    document = json.dumps([[str(event_id), data] for event_id, data in events])
    with connection.cursor() as cursor:
        cursor.execute(
            DELIVERIES_SQL.format(table=WebhookDelivery._meta.db_table),
            [event, DELIVERY_STATUS.PENDING, now, now, document, list(hooks)],
        )
        return [pk for (pk,) in cursor.fetchall()]


# Deliveries one task hands out to the worker (`deliveries_hand_out`).
HAND_OUT_BATCH = 500


def _hand_out(delivery_ids: Sequence[int]) -> None:
    """Many deliveries to the worker, a task per HAND_OUT_BATCH of them: the worker queues each
    delivery (`deliveries_hand_out`), so the caller's request does not publish thousands. If the
    broker is down, the sweep hands them out later."""
    for start in range(0, len(delivery_ids), HAND_OUT_BATCH):
        if not publish(
            "clients.hand_out_deliveries", list(delivery_ids[start : start + HAND_OUT_BATCH])
        ):
            return


def deliveries_hand_out(*, delivery_ids: Sequence[int]) -> int:
    """Queue a delivery task for each of `delivery_ids` (the worker's side of `_hand_out`);
    returns how many were queued."""
    return _enqueue(delivery_ids)


def _enqueue(delivery_ids: Sequence[int], countdown: int | None = None) -> int:
    """Hand deliveries to the worker; returns how many. If the broker is down, the rest wait in
    the outbox and the sweep hands them out later."""
    for handed, delivery_id in enumerate(delivery_ids):
        if not publish("clients.deliver_webhook", delivery_id, countdown=countdown):
            return handed
    return len(delivery_ids)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after `attempts` failed attempts."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _max_countdown() -> int:
    """Retries further away than this are left to the sweeper: a task held back longer than
    the broker's visibility timeout would be handed out again, and again."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return min(600, int(timeout) // 2)


def webhook_deliver(*, delivery_id: int) -> str:
    """Send one delivery if it is due and no other worker holds it; returns its status after
    the attempt, or "skipped". Runs outside any transaction: nothing is locked while waiting
    for the receiver (at most 5 seconds)."""
    now = timezone.now()
    lease = now + DELIVERY_LEASE
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=DELIVERY_STATUS.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_TOLERANCE))
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(locked_until=lease, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("webhook__client").get(pk=delivery_id)
    webhook = delivery.webhook
    if not (webhook.active and webhook.client.active):
        outcome = webhooks.Outcome(None, "webhook disabled")
        final = True
    else:
        body = webhooks.delivery_body(
            event=delivery.event,
            event_id=str(delivery.event_id),
            created_at=delivery.created_at,
            payload=delivery.payload,
        )
        outcome = webhooks.post(
            webhook.url,
            body=body,
            secret=webhook.secret,
            event=delivery.event,
            event_id=str(delivery.event_id),
            now=timezone.now(),
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
        )
        final = delivery.attempts >= MAX_ATTEMPTS
    finished = timezone.now()
    changes: dict[str, Any] = {
        "locked_until": None,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:500],
    }
    delay: int | None = None
    if outcome.ok:
        status = DELIVERY_STATUS.DELIVERED
        changes.update(delivered_at=finished, next_attempt_at=None)
    elif final:
        status = DELIVERY_STATUS.FAILED
        changes.update(next_attempt_at=None)
    else:
        status = DELIVERY_STATUS.PENDING
        delay = retry_delay(delivery.attempts)
        changes.update(next_attempt_at=finished + dt.timedelta(seconds=delay))
    written = WebhookDelivery.objects.filter(pk=delivery_id, locked_until=lease).update(
        status=status, **changes
    )
    if not written:
        logger.warning("Webhook delivery %s was taken over while it was being sent", delivery_id)
        return "skipped"
    if delay is not None and delay <= _max_countdown():
        _enqueue([delivery_id], countdown=delay)
    if not outcome.ok:
        logger.info(
            "Webhook delivery %s attempt %s failed: %s",
            delivery_id,
            delivery.attempts,
            outcome.error,
        )
    return str(status)


def webhooks_sweep(*, now: dt.datetime | None = None) -> int:
    """Enqueue deliveries that are overdue (their task was lost, the broker was down, or their
    retry was too far off to schedule in the broker); returns how many were queued. Part of the
    sweep (`reviews.services.sweep`), run every minute by the beat."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=DELIVERY_STATUS.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _enqueue(due)
