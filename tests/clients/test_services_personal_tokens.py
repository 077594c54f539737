"""Personal API tokens: who may make them, how they are stored, and revoking them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from clients import services, tokens
from clients.models import PersonalToken
from hrperf.lib.errors import NotAllowed, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["hr", "director"])
def test_hr_and_the_director_make_their_own_tokens(personas: dict[str, User], persona: str) -> None:
    token, raw = services.personal_token_create(actor=personas[persona], name="  scripts ")

    assert token.user == personas[persona] and token.name == "scripts"
    assert raw.startswith(f"hrpu_{token.prefix}_")


@pytest.mark.parametrize("persona", ["head", "employee", "other_employee", "outsider"])
def test_nobody_else_may_have_a_token(personas: dict[str, User], persona: str) -> None:
    with pytest.raises(NotAllowed):
        services.personal_token_create(actor=personas[persona], name="mine")

    assert not PersonalToken.objects.exists()


def test_the_token_is_never_stored_in_clear(personas: dict[str, User]) -> None:
    token, raw = services.personal_token_create(actor=personas["hr"], name="scripts")
    secret = raw.split("_", 2)[2]

    stored = PersonalToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) or raw in str(value) for value in stored.values())
    assert stored["key_hash"] == tokens.hash_secret(secret)


def test_a_bad_name_or_a_past_expiry_is_refused_and_nothing_is_saved(
    personas: dict[str, User],
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.personal_token_create(
            actor=personas["hr"], name=" ", expires_at=timezone.now() - dt.timedelta(days=1)
        )

    assert {error.field for error in failure.value.errors} == {"name", "expires_at"}
    assert not PersonalToken.objects.exists()


def test_only_the_owner_revokes_a_token(personas: dict[str, User]) -> None:
    token, _raw = services.personal_token_create(actor=personas["director"], name="approvals")

    with pytest.raises(NotAllowed):
        services.personal_token_revoke(actor=personas["hr"], token=token)
    assert services.personal_token_revoke(actor=personas["director"], token=token).revoked_at
