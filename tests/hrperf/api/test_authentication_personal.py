"""Personal API tokens: whoever holds one acts as that person, with every role and object check
of the API; revoked, expired and someone else's role-less tokens are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from clients import services
from clients.models import PersonalToken
from hrperf.lib import roles
from reviews.models import Review
from tests.helpers.api import API, ApiQuarter, error_of

pytestmark = pytest.mark.django_db


def holding(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def approve_url(review: Review) -> str:
    return f"{API}reviews/{review.pk}/approve"


def test_the_director_approves_with_their_own_token(
    personas: dict[str, User], api_quarter: ApiQuarter
) -> None:
    token, raw = services.personal_token_create(actor=personas["director"], name="approvals")

    response = holding(raw).post(approve_url(api_quarter.scored))

    assert response.status_code == 200, response.content
    api_quarter.scored.refresh_from_db()
    assert api_quarter.scored.state == Review.State.APPROVED
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_hr_token_cannot_approve(personas: dict[str, User], api_quarter: ApiQuarter) -> None:
    _token, raw = services.personal_token_create(actor=personas["hr"], name="scripts")

    response = holding(raw).post(approve_url(api_quarter.scored))

    error_of(response, 403)
    api_quarter.scored.refresh_from_db()
    assert api_quarter.scored.state == Review.State.SCORED


def test_an_hr_token_reads_what_hr_reads(
    personas: dict[str, User], api_quarter: ApiQuarter
) -> None:
    _token, raw = services.personal_token_create(actor=personas["hr"], name="scripts")

    assert holding(raw).get(f"{API}cycles/").status_code == 200


def test_a_revoked_token_is_refused(personas: dict[str, User], api_quarter: ApiQuarter) -> None:
    token, raw = services.personal_token_create(actor=personas["director"], name="approvals")
    services.personal_token_revoke(actor=personas["director"], token=token)

    error_of(holding(raw).post(approve_url(api_quarter.scored)), 401)


def test_an_expired_token_is_refused(personas: dict[str, User], api_quarter: ApiQuarter) -> None:
    token, raw = services.personal_token_create(
        actor=personas["director"],
        name="approvals",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    PersonalToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    error_of(holding(raw).post(approve_url(api_quarter.scored)), 401)


def test_a_token_of_someone_who_lost_the_role_is_refused(
    personas: dict[str, User], api_quarter: ApiQuarter
) -> None:
    director = personas["director"]
    _token, raw = services.personal_token_create(actor=director, name="approvals")
    director.groups.remove(Group.objects.get(name=roles.DIRECTOR))

    error_of(holding(raw).get(f"{API}cycles/"), 401)


def test_a_wrong_secret_is_refused(personas: dict[str, User], api_quarter: ApiQuarter) -> None:
    _token, raw = services.personal_token_create(actor=personas["director"], name="approvals")

    error_of(holding(raw[:-4] + "AAAA").get(f"{API}cycles/"), 401)
