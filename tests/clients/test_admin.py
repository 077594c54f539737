"""The admin of API clients and tokens: it shows no secret, and revokes personal tokens."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from clients import services
from clients.models import PersonalToken
from tests.helpers.personas import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(personas: dict[str, User]) -> Client:
    browser = Client()
    browser.force_login(User.objects.create_superuser("root", password=PASSWORD))
    return browser


def test_the_admin_lists_personal_tokens_without_their_hash(
    admin_client: Client, personas: dict[str, User]
) -> None:
    token, _raw = services.personal_token_create(actor=personas["director"], name="approvals")

    listing = admin_client.get(reverse("admin:clients_personaltoken_changelist")).content.decode()
    detail = admin_client.get(
        reverse("admin:clients_personaltoken_change", args=[token.pk])
    ).content.decode()

    assert token.prefix in listing and "approvals" in listing
    assert token.key_hash not in listing and token.key_hash not in detail


def test_the_admin_revokes_personal_tokens(admin_client: Client, personas: dict[str, User]) -> None:
    token, _raw = services.personal_token_create(actor=personas["director"], name="approvals")

    admin_client.post(
        reverse("admin:clients_personaltoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert PersonalToken.objects.get(pk=token.pk).revoked_at is not None
