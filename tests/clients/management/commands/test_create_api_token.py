"""`manage.py create_api_token`: prints a token, once, that authenticates."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from clients import selectors
from clients.models import ApiClient, ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages these tests read are checked in English."""
    with translation.override("en"):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.urls("tests.helpers.urls")
def test_it_prints_a_token_that_authenticates(payroll_client: ApiClient) -> None:
    out, err = run("--client", "payroll", "--scope", "payroll")

    raw = out.strip()
    assert out.count("\n") == 1 and raw.startswith("hrp_")
    token = selectors.token_for_raw(raw)
    assert token is not None and token.scope == "payroll" and token.client == payroll_client
    assert token.created_by is None
    assert "will not be shown again" in err and raw not in err
    response = Client().get("/api/test/payroll/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200
    assert response.json() == {"user": "api:payroll"}


def test_it_creates_the_client_when_asked(db: None) -> None:
    out, err = run("--client", "Warehouse", "--scope", "hr", "--create-client")

    client = ApiClient.objects.get(name="warehouse")
    assert client.user.username == "api:warehouse"
    assert client.user.groups.filter(name="hr").exists()
    assert selectors.token_for_raw(out.strip()) is not None
    assert "warehouse" in err


def test_it_refuses_an_unknown_client_without_create_client(db: None) -> None:
    with pytest.raises(CommandError, match="--create-client"):
        run("--client", "payroll", "--scope", "payroll")
    assert not ApiClient.objects.exists() and not ApiToken.objects.exists()


def test_it_refuses_an_unknown_scope(payroll_client: ApiClient) -> None:
    with pytest.raises(CommandError):
        run("--client", "payroll", "--scope", "admin")
    assert not ApiToken.objects.exists()


def test_it_refuses_a_bad_client_name(db: None) -> None:
    with pytest.raises(CommandError, match="name"):
        run("--client", "pay roll", "--scope", "payroll", "--create-client")
    assert not ApiClient.objects.exists()
