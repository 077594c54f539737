"""HR's API client pages: who may see them, and what each one does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients import selectors, services
from clients.models import ApiClient, ApiToken, Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
OTHERS = ["director", "head", "employee", "outsider"]


@pytest.fixture
def token(payroll_client: ApiClient) -> ApiToken:
    return services.token_create(actor=None, client=payroll_client, scope="payroll")[0]


@pytest.fixture
def webhook(payroll_client: ApiClient, allow_private: None) -> Webhook:
    return services.webhook_create(
        actor=None, client=payroll_client, url="http://127.0.0.1:9/hook", events=["review.approved"]
    )


def pages(payroll_client: ApiClient, token: ApiToken, webhook: Webhook) -> list[tuple[str, str]]:
    return [
        ("get", reverse("clients:list")),
        ("get", reverse("clients:create")),
        ("post", reverse("clients:create")),
        ("get", reverse("clients:token_create", args=[payroll_client.pk])),
        ("post", reverse("clients:token_create", args=[payroll_client.pk])),
        ("get", reverse("clients:token_revoke", args=[token.pk])),
        ("post", reverse("clients:token_revoke", args=[token.pk])),
        ("get", reverse("clients:webhook_create", args=[payroll_client.pk])),
        ("post", reverse("clients:webhook_create", args=[payroll_client.pk])),
        ("get", reverse("clients:webhook_disable", args=[webhook.pk])),
        ("post", reverse("clients:webhook_disable", args=[webhook.pk])),
        ("get", reverse("clients:deliveries", args=[webhook.pk])),
    ]


@pytest.mark.parametrize("persona", OTHERS)
def test_every_page_is_forbidden_to_anyone_but_hr(
    client_for: ClientFor, persona: str, payroll_client, token, webhook
) -> None:
    browser = client_for(persona)
    for method, url in pages(payroll_client, token, webhook):
        response = getattr(browser, method)(url, {"name": "x", "scope": "hr"})
        assert response.status_code == 403, (method, url)
    token.refresh_from_db()
    webhook.refresh_from_db()
    assert token.revoked_at is None and webhook.active
    assert ApiClient.objects.count() == 1


def test_every_page_sends_an_anonymous_visitor_to_the_login_page(
    client_for: ClientFor, payroll_client, token, webhook
) -> None:
    browser = client_for(None)
    for method, url in pages(payroll_client, token, webhook):
        response = getattr(browser, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("login")), (method, url)


def test_the_nav_links_to_the_clients_page_for_hr_only(client_for: ClientFor) -> None:
    link = f'href="{reverse("clients:list")}"'
    assert link in client_for("hr").get(reverse("departments:roster")).content.decode()
    assert link not in client_for("director").get(reverse("departments:roster")).content.decode()


def test_the_list_shows_each_client_with_its_tokens_and_webhooks(
    client_for: ClientFor, payroll_client, token, webhook, django_assert_max_num_queries
) -> None:
    services.token_revoke(actor=None, token=token)
    services.token_create(actor=None, client=payroll_client, scope="hr")
    services.client_create(actor=None, name="warehouse")

    browser = client_for("hr")
    browser.get(reverse("clients:list"))
    for number in range(5):  # more clients, tokens and webhooks: no more queries
        more = services.client_create(actor=None, name=f"system-{number}")
        services.token_create(actor=None, client=more, scope="payroll")
    with django_assert_max_num_queries(7):
        response = browser.get(reverse("clients:list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-client="payroll"' in page and 'data-client="warehouse"' in page
    assert f"hrp_{token.prefix}_…" in page
    assert "api:payroll" in page
    assert "http://127.0.0.1:9/hook" in page
    assert reverse("clients:deliveries", args=[webhook.pk]) in page
    assert webhook.secret not in page and token.key_hash not in page


def test_the_list_is_translated(client_for: ClientFor, payroll_client) -> None:
    browser = client_for("hr")
    english = browser.get(reverse("clients:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "API clients" in english and "Tokens" in english


def test_hr_creates_a_client_and_goes_on_to_its_token(client_for: ClientFor, personas) -> None:
    response = client_for("hr").post(
        reverse("clients:create"), {"name": "payroll", "description": "Payroll system"}
    )
    client = ApiClient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:token_create", args=[client.pk])
    assert client.created_by == personas["hr"]


def test_a_bad_client_name_is_shown_on_the_form(client_for: ClientFor, payroll_client) -> None:
    response = client_for("hr").post(
        reverse("clients:create"), {"name": "payroll"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "A client with this name already exists." in response.content.decode()
    assert ApiClient.objects.count() == 1


def test_a_new_token_is_shown_once_and_never_again(client_for: ClientFor, payroll_client) -> None:
    browser = client_for("hr")
    response = browser.post(
        reverse("clients:token_create", args=[payroll_client.pk]),
        {"scope": "payroll"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "it will not be shown again" in page
    raw = page.split('data-testid="raw-token">', 1)[1].split("<", 1)[0]
    token = selectors.token_for_raw(raw)
    assert token is not None and token.scope == "payroll"
    assert raw not in browser.get(reverse("clients:list")).content.decode()


def test_revoking_a_token_asks_first_and_then_revokes_it(
    client_for: ClientFor, payroll_client, personas
) -> None:
    token, raw = services.token_create(actor=None, client=payroll_client, scope="payroll")
    browser = client_for("hr")
    url = reverse("clients:token_revoke", args=[token.pk])

    confirm = browser.get(url)
    assert confirm.status_code == 200 and 'method="post"' in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    response = browser.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("clients:list")
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == personas["hr"]
    assert selectors.token_for_raw(raw) is None


def test_a_webhook_is_added_and_its_secret_shown_once(
    client_for: ClientFor, payroll_client, allow_private: None
) -> None:
    browser = client_for("hr")
    response = browser.post(
        reverse("clients:webhook_create", args=[payroll_client.pk]),
        {"url": "http://127.0.0.1:9/hook", "events": ["review.approved", "review.reopened"]},
    )

    webhook = Webhook.objects.get()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert webhook.secret in response.content.decode()
    assert webhook.events == ["review.approved", "review.reopened"]
    assert webhook.secret not in browser.get(reverse("clients:list")).content.decode()


def test_a_refused_webhook_url_is_shown_on_the_form(client_for: ClientFor, payroll_client) -> None:
    response = client_for("hr").post(
        reverse("clients:webhook_create", args=[payroll_client.pk]),
        {"url": "https://user:pw@payroll.example.com/", "events": ["review.approved"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The URL must not contain a user name or password." in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_special_purpose_address_is_refused_on_the_form_at_the_url_field(
    client_for: ClientFor, payroll_client, allow_private: None
) -> None:
    response = client_for("hr").post(
        reverse("clients:webhook_create", args=[payroll_client.pk]),
        {"url": "http://[64:ff9b::a9fe:a9fe]/hook", "events": ["review.approved"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [
        "The URL points to a private, local or reserved network address "
        "(64:ff9b::a9fe:a9fe), which is not allowed."
    ]
    assert not Webhook.objects.exists()


def test_disabling_a_webhook_asks_first(client_for: ClientFor, webhook) -> None:
    browser = client_for("hr")
    url = reverse("clients:webhook_disable", args=[webhook.pk])
    assert browser.get(url).status_code == 200
    webhook.refresh_from_db()
    assert webhook.active

    assert browser.post(url).status_code == 302
    webhook.refresh_from_db()
    assert not webhook.active


def test_the_delivery_log_shows_deliveries_newest_first_by_pages(
    client_for: ClientFor, webhook, enqueued
) -> None:
    for number in range(55):
        services.webhooks_emit(event="review.approved", payload={"n": number})
    start = timezone.now() - dt.timedelta(hours=1)
    for index, delivery in enumerate(WebhookDelivery.objects.order_by("pk")):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            created_at=start + dt.timedelta(minutes=index)
        )
    oldest = WebhookDelivery.objects.order_by("created_at")[0]
    newest = WebhookDelivery.objects.order_by("-created_at")[0]
    WebhookDelivery.objects.filter(pk=oldest.pk).update(
        status="failed", attempts=8, last_status_code=500, last_error="HTTP 500 Internal"
    )
    browser = client_for("hr")
    url = reverse("clients:deliveries", args=[webhook.pk])

    first = browser.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = browser.get(url, {"page": 2}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert first.count("data-delivery=") == 50 and second.count("data-delivery=") == 5
    assert f'data-delivery="{newest.event_id}"' in first
    assert f'data-delivery="{oldest.event_id}"' in second
    assert "HTTP 500 Internal" in second and "Failed" in second
    assert "Deliveries: 55" in first


def test_an_unknown_client_token_or_webhook_is_not_found(client_for: ClientFor) -> None:
    browser = client_for("hr")
    for url in (
        reverse("clients:token_create", args=[999]),
        reverse("clients:token_revoke", args=[999]),
        reverse("clients:webhook_create", args=[999]),
        reverse("clients:webhook_disable", args=[999]),
        reverse("clients:deliveries", args=[999]),
    ):
        assert browser.get(url).status_code == 404, url


def test_the_forms_are_protected_against_cross_site_requests(personas, payroll_client) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["hr"])
    response = browser.post(
        reverse("clients:token_create", args=[payroll_client.pk]), {"scope": "hr"}
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
