"""Clients, tokens and webhooks: who may manage them, what is stored, what is refused."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from django.utils import translation

from clients import selectors, services, tokens
from clients.models import ApiClient, ApiToken, Scope, Webhook, WebhookDelivery, WebhookEvent
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from hrperf.lib.roles import roles_of
from tests.helpers.network import Resolver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages these tests read are checked in English."""
    with translation.override("en"):
        yield


def field_errors(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: str(error.message) for error in failure.value.errors}


# -- clients ---------------------------------------------------------------------------------


def test_it_creates_a_client_with_a_service_user_that_cannot_log_in(personas) -> None:
    client = services.client_create(actor=personas["hr"], name="Payroll", description=" Pay ")

    assert client.name == "payroll"
    assert client.description == "Pay"
    assert client.created_by == personas["hr"]
    assert client.user.username == "api:payroll"
    assert not client.user.has_usable_password()
    assert not client.user.is_staff and not client.user.groups.exists()


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_may_create_a_client(personas, persona: str) -> None:
    with pytest.raises(NotAllowed):
        services.client_create(actor=personas[persona], name="payroll")
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "required"), ("pay roll", "invalid"), ("-payroll", "invalid"), ("x" * 65, "invalid")],
)
def test_it_rejects_a_bad_client_name(personas, name: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.client_create(actor=personas["hr"], name=name)
    assert [(e.field, e.code) for e in failure.value.errors] == [("name", code)]
    assert not User.objects.filter(username__startswith="api:").exists()


def test_it_rejects_a_client_name_that_is_taken(personas, payroll_client: ApiClient) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.client_create(actor=personas["hr"], name="PAYROLL")
    assert field_errors(failure) == {"name": "A client with this name already exists."}


# -- tokens ----------------------------------------------------------------------------------


def test_a_new_token_is_returned_raw_once_and_stored_only_as_a_hash(
    personas, payroll_client: ApiClient
) -> None:
    token, raw = services.token_create(
        actor=personas["hr"], client=payroll_client, scope=Scope.PAYROLL
    )

    keyword, prefix, secret = raw.split("_", 2)
    assert (keyword, prefix) == ("hrp", token.prefix)
    assert len(prefix) == 8 and len(secret) >= 40
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.created_by == personas["hr"]
    # Nothing in the token's row holds the secret or the raw token.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert secret not in stored and raw not in stored
    assert selectors.token_for_raw(raw) == token


def test_the_stored_hash_does_not_authenticate(payroll_client: ApiClient) -> None:
    token, _raw = services.token_create(actor=None, client=payroll_client, scope=Scope.PAYROLL)

    assert selectors.token_for_raw(tokens.raw_token(token.prefix, token.key_hash)) is None
    assert selectors.token_for_raw(token.key_hash) is None


def test_each_token_is_different(payroll_client: ApiClient) -> None:
    raws = {services.token_create(actor=None, client=payroll_client, scope="payroll")[1]}
    raws.add(services.token_create(actor=None, client=payroll_client, scope="payroll")[1])
    assert len(raws) == 2


def test_an_hr_token_makes_the_service_user_hr_until_its_last_hr_token_is_revoked(
    personas, payroll_client: ApiClient
) -> None:
    user_id = payroll_client.user_id
    first, _ = services.token_create(actor=personas["hr"], client=payroll_client, scope="hr")
    second, _ = services.token_create(actor=personas["hr"], client=payroll_client, scope="hr")
    assert roles_of(User.objects.get(pk=user_id)).is_hr

    services.token_revoke(actor=personas["hr"], token=first)
    assert roles_of(User.objects.get(pk=user_id)).is_hr
    services.token_revoke(actor=personas["hr"], token=second)
    assert not roles_of(User.objects.get(pk=user_id)).is_hr


def test_a_payroll_token_gives_the_service_user_no_role(
    personas, payroll_client: ApiClient
) -> None:
    services.token_create(actor=personas["hr"], client=payroll_client, scope="payroll")
    roles = roles_of(User.objects.get(pk=payroll_client.user_id))
    assert not (roles.is_hr or roles.is_director or roles.employee)


def test_it_rejects_an_unknown_scope(personas, payroll_client: ApiClient) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.token_create(actor=personas["hr"], client=payroll_client, scope="admin")
    assert [e.field for e in failure.value.errors] == ["scope"]
    assert not ApiToken.objects.exists()


def test_it_refuses_a_token_for_an_inactive_client(personas, payroll_client: ApiClient) -> None:
    ApiClient.objects.filter(pk=payroll_client.pk).update(active=False)
    payroll_client.refresh_from_db()
    with pytest.raises(Conflict):
        services.token_create(actor=personas["hr"], client=payroll_client, scope="payroll")


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_may_create_or_revoke_a_token(
    personas, payroll_client: ApiClient, persona: str
) -> None:
    with pytest.raises(NotAllowed):
        services.token_create(actor=personas[persona], client=payroll_client, scope="payroll")
    token, _ = services.token_create(actor=None, client=payroll_client, scope="payroll")
    with pytest.raises(NotAllowed):
        services.token_revoke(actor=personas[persona], token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_revoked_token_no_longer_authenticates_and_revoking_again_changes_nothing(
    personas, payroll_client: ApiClient
) -> None:
    token, raw = services.token_create(actor=None, client=payroll_client, scope="payroll")

    revoked = services.token_revoke(actor=personas["hr"], token=token)
    first_revocation = revoked.revoked_at
    assert first_revocation is not None and revoked.revoked_by == personas["hr"]
    assert selectors.token_for_raw(raw) is None

    again = services.token_revoke(actor=personas["hr"], token=token)
    assert again.revoked_at == first_revocation


def test_a_token_of_an_inactive_client_or_user_does_not_authenticate(
    payroll_client: ApiClient,
) -> None:
    _token, raw = services.token_create(actor=None, client=payroll_client, scope="payroll")
    User.objects.filter(pk=payroll_client.user_id).update(is_active=False)
    assert selectors.token_for_raw(raw) is None
    User.objects.filter(pk=payroll_client.user_id).update(is_active=True)
    ApiClient.objects.filter(pk=payroll_client.pk).update(active=False)
    assert selectors.token_for_raw(raw) is None


def test_last_used_is_written_at_most_once_a_minute(payroll_client: ApiClient) -> None:
    import datetime as dt

    from django.utils import timezone

    token, _ = services.token_create(actor=None, client=payroll_client, scope="payroll")
    now = timezone.now()

    assert services.token_touch(token=token, now=now)
    assert not services.token_touch(token=token, now=now + dt.timedelta(seconds=59))
    assert services.token_touch(token=token, now=now + dt.timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == now + dt.timedelta(seconds=61)


# -- webhooks --------------------------------------------------------------------------------


def test_it_creates_a_webhook_with_its_own_secret(
    personas, payroll_client: ApiClient, allow_private: None
) -> None:
    first = services.webhook_create(
        actor=personas["hr"],
        client=payroll_client,
        url="http://127.0.0.1:9/hook",
        events=[WebhookEvent.REVIEW_APPROVED],
    )
    second = services.webhook_create(
        actor=personas["hr"],
        client=payroll_client,
        url="https://payroll.example.com/hook",
        events=WebhookEvent.values,
    )
    assert first.active and first.events == ["review.approved"]
    assert second.events == ["review.approved", "review.reopened"]
    assert first.secret.startswith("whsec_") and len(first.secret) > 40
    assert first.secret != second.secret


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the address that should receive the events."),
        (
            "ftp://payroll.example.com/hook",
            "Enter an address that starts with http:// or https://.",
        ),
        ("payroll.example.com/hook", "Enter an address that starts with http:// or https://."),
        (
            "https://user:secret@payroll.example.com/hook",
            "The URL must not contain a user name or password.",
        ),
        ("https://payroll.example.com:99999/hook", "The URL's port is not valid."),
        ("https://" + "a" * 500 + ".com/", "The URL is too long: at most 500 characters."),
    ],
)
def test_it_rejects_a_webhook_url_that_is_not_http(
    personas, payroll_client: ApiClient, url: str, message: str
) -> None:
    with override_settings(WEBHOOK_ALLOW_PRIVATE=True), pytest.raises(ValidationFailed) as failure:
        services.webhook_create(
            actor=personas["hr"], client=payroll_client, url=url, events=["review.approved"]
        )
    assert field_errors(failure) == {"url": message}
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
@override_settings(WEBHOOK_ALLOW_PRIVATE=False)
def test_it_refuses_private_and_loopback_addresses_in_production(
    personas, payroll_client: ApiClient, url: str
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.webhook_create(
            actor=personas["hr"], client=payroll_client, url=url, events=["review.approved"]
        )
    [(field, message)] = field_errors(failure).items()
    assert field == "url"
    assert message.startswith("The URL points to a private, local or reserved network address")
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.0.8/hook",
        "http://192.88.99.1/hook",
        "http://198.18.0.1/hook",
        "http://100.64.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[64:ff9b::a9fe:a9fe]/hook",
        "http://[64:ff9b:1::a00:1]/hook",
        "http://[2002:a9fe:a9fe::1]/hook",
        "http://[2001::1]/hook",
        "http://[::ffff:169.254.169.254]/hook",
        "http://[::127.0.0.1]/hook",
        "http://[fe80::1]/hook",
        "http://[2001:db8::1]/hook",
        "http://[3fff::1]/hook",
        "http://[5f00::1]/hook",
        "http://[ff02::1]/hook",
    ],
)
@pytest.mark.parametrize("allow_private", [False, True], ids=["production", "local"])
def test_it_refuses_special_purpose_addresses_even_for_local_use(
    personas, payroll_client: ApiClient, url: str, allow_private: bool
) -> None:
    with (
        override_settings(WEBHOOK_ALLOW_PRIVATE=allow_private),
        pytest.raises(ValidationFailed) as failure,
    ):
        services.webhook_create(
            actor=personas["hr"], client=payroll_client, url=url, events=["review.approved"]
        )
    host = url.split("/")[2].strip("[]")
    assert field_errors(failure) == {
        "url": "The URL points to a private, local or reserved network address "
        f"({host}), which is not allowed."
    }
    assert not Webhook.objects.exists()


@override_settings(WEBHOOK_ALLOW_PRIVATE=False)
def test_it_refuses_a_name_that_resolves_to_a_special_address(
    personas, payroll_client: ApiClient, resolver: Resolver
) -> None:
    resolver.answers["hooks.example.com"] = [["93.184.215.14", "192.0.0.8"]]

    with pytest.raises(ValidationFailed) as failure:
        services.webhook_create(
            actor=personas["hr"],
            client=payroll_client,
            url="https://hooks.example.com/hook",
            events=["review.approved"],
        )
    assert "(192.0.0.8)" in field_errors(failure)["url"]
    assert not Webhook.objects.exists()


@override_settings(WEBHOOK_ALLOW_PRIVATE=True)
def test_private_and_loopback_addresses_are_allowed_for_local_use(
    personas, payroll_client: ApiClient
) -> None:
    for url in ("http://127.0.0.1:8000/hook", "http://10.1.2.3/hook", "http://[fd00::5]/hook"):
        services.webhook_create(
            actor=personas["hr"], client=payroll_client, url=url, events=["review.approved"]
        )
    assert Webhook.objects.count() == 3


@override_settings(WEBHOOK_ALLOW_PRIVATE=False)
def test_it_accepts_a_public_address_in_production(personas, payroll_client: ApiClient) -> None:
    webhook = services.webhook_create(
        actor=personas["hr"],
        client=payroll_client,
        url="https://93.184.215.14/hook",
        events=["review.approved"],
    )
    assert webhook.url == "https://93.184.215.14/hook"


def test_it_rejects_a_webhook_without_events_or_with_an_unknown_one(
    personas, payroll_client: ApiClient, allow_private: None
) -> None:
    for events, code in (([], "required"), (["review.deleted"], "invalid_choice")):
        with pytest.raises(ValidationFailed) as failure:
            services.webhook_create(
                actor=personas["hr"], client=payroll_client, url="http://127.0.0.1/", events=events
            )
        assert [(e.field, e.code) for e in failure.value.errors] == [("events", code)]


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_may_add_or_disable_a_webhook(
    personas, payroll_client: ApiClient, allow_private: None, persona: str
) -> None:
    with pytest.raises(NotAllowed):
        services.webhook_create(
            actor=personas[persona],
            client=payroll_client,
            url="http://127.0.0.1/",
            events=["review.approved"],
        )
    webhook = services.webhook_create(
        actor=None, client=payroll_client, url="http://127.0.0.1/", events=["review.approved"]
    )
    with pytest.raises(NotAllowed):
        services.webhook_disable(actor=personas[persona], webhook=webhook)
    webhook.refresh_from_db()
    assert webhook.active


def test_disabling_a_webhook_gives_up_its_pending_deliveries(
    personas, payroll_client: ApiClient, allow_private: None, enqueued
) -> None:
    webhook = services.webhook_create(
        actor=None, client=payroll_client, url="http://127.0.0.1/", events=["review.approved"]
    )
    services.webhooks_emit(event="review.approved", payload={"employee_no": "E00001"})

    disabled = services.webhook_disable(actor=personas["hr"], webhook=webhook)

    assert not disabled.active and disabled.disabled_at is not None
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("failed", "webhook disabled")
    assert services.webhooks_emit(event="review.approved", payload={}) == 0
