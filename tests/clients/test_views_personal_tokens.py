"""The My API tokens page of HR and the director: who may open it, making a token (shown once),
and revoking it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from clients import services
from clients.models import PersonalToken

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]


@pytest.mark.parametrize("persona", ["head", "employee", "other_employee", "outsider"])
def test_the_page_is_forbidden_to_anyone_but_hr_and_the_director(
    client_for: ClientFor, personas: dict[str, User], persona: str
) -> None:
    token, _raw = services.personal_token_create(actor=personas["director"], name="approvals")
    browser = client_for(persona)

    assert browser.get(reverse("clients:my_tokens")).status_code == 403
    assert browser.post(reverse("clients:my_tokens"), {"name": "mine"}).status_code == 403
    revoke = reverse("clients:my_token_revoke", args=[token.pk])
    assert browser.post(revoke).status_code == 403
    assert PersonalToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_anonymous_visitor_goes_to_the_login_page(personas: dict[str, User]) -> None:
    response = Client().get(reverse("clients:my_tokens"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["hr", "director"])
def test_a_token_is_made_and_shown_once(client_for: ClientFor, persona: str) -> None:
    browser = client_for(persona)

    response = browser.post(
        reverse("clients:my_tokens"), {"name": "approvals", "expires_on": "2099-12-31"}
    )

    page = response.content.decode()
    raw = re.search(r"hrpu_[a-z0-9]{8}_[A-Za-z0-9_-]+", page)
    assert raw is not None
    assert "no-store" in response["Cache-Control"]
    token = PersonalToken.objects.get()
    assert token.expires_at is not None and token.expires_at.year == 2099
    listing = browser.get(reverse("clients:my_tokens")).content.decode()
    assert "approvals" in listing and raw.group(0) not in listing


def test_someone_elses_token_is_not_found(client_for: ClientFor, personas) -> None:
    token, _raw = services.personal_token_create(actor=personas["director"], name="approvals")

    response = client_for("hr").post(reverse("clients:my_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_owner_revokes_a_token(client_for: ClientFor, personas) -> None:
    token, _raw = services.personal_token_create(actor=personas["director"], name="approvals")

    response = client_for("director").post(reverse("clients:my_token_revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_bad_form_is_shown_again_and_nothing_is_made(client_for: ClientFor) -> None:
    response = client_for("hr").post(
        reverse("clients:my_tokens"), {"name": "", "expires_on": "2001-01-01"}
    )

    assert response.status_code == 200
    assert not PersonalToken.objects.exists()


def test_the_menu_links_to_the_page_for_hr_and_the_director_only(client_for: ClientFor) -> None:
    link = f'href="{reverse("clients:my_tokens")}"'
    for persona, shown in (("hr", True), ("director", True), ("head", False), ("employee", False)):
        page = client_for(persona).get(reverse("reviews:dashboard")).content.decode()
        assert (link in page) is shown, persona
