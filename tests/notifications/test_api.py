"""The notifications API: each caller's own preference; HR's robots and delivery log, refused
to everyone else."""

from __future__ import annotations

import pytest

from notifications.models import Delivery, Preference, Robot
from notifications.services.notify import Event, notify

pytestmark = pytest.mark.django_db

PREFERENCE = "/api/v1/notifications/preference"
ROBOTS = "/api/v1/notifications/robots"
DELIVERIES = "/api/v1/notifications/deliveries"
CHOICE = {
    "email": False,
    "robot": False,
    "mode": "digest",
    "quiet_from": "22:00",
    "quiet_until": "07:30",
    "language": "en",
}


@pytest.mark.parametrize("persona", ["hr", "director", "head", "employee", "outsider"])
def test_each_person_reads_and_sets_only_their_own_choice(call_as, personas, persona):
    response = call_as(persona, "GET", PREFERENCE)
    assert response.status_code == 200
    assert response.json() == {
        "email": True,
        "robot": False,
        "mode": "immediate",
        "quiet_from": None,
        "quiet_until": None,
        "language": "zh-hans",
    }
    assert call_as(persona, "PUT", PREFERENCE, CHOICE).json() == CHOICE
    [saved] = Preference.objects.all()
    assert saved.user == personas[persona]


def test_anonymous_callers_are_refused(call_as):
    assert call_as(None, "GET", PREFERENCE).status_code in (401, 403)
    assert call_as(None, "GET", ROBOTS).status_code in (401, 403)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quiet_until": None}, "quiet_until"),
        ({"quiet_until": "22:00"}, "quiet_until"),
        ({"quiet_from": "25:00"}, "quiet_from"),
        ({"mode": "weekly"}, "mode"),
        ({"language": "fr"}, "language"),
        ({"email": "yes"}, "email"),
    ],
)
def test_a_bad_choice_is_refused_naming_its_field(call_as, change, field):
    response = call_as("employee", "PUT", PREFERENCE, {**CHOICE, **change})
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["error"]["fields"]]
    assert not Preference.objects.exists()


def test_the_personal_robot_is_kept_off_without_a_robot(call_as):
    assert (
        call_as("employee", "PUT", PREFERENCE, {**CHOICE, "robot": True}).json()["robot"] is False
    )


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider", "token:payroll"])
def test_robots_and_the_log_are_hrs_only(call_as, persona):
    assert call_as(persona, "GET", ROBOTS).status_code == 403
    assert call_as(persona, "POST", ROBOTS, {"name": "x"}).status_code == 403
    assert call_as(persona, "GET", DELIVERIES).status_code == 403


def test_hr_adds_a_robot_and_its_secret_is_never_shown(call_as, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the platform's host cannot be resolved here
    body = {
        "name": "HR group",
        "platform": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789",
        "secret": "SEC" + "d4" * 16,
        "audience": "hr",
    }
    created = call_as("hr", "POST", ROBOTS, body)
    assert created.status_code == 201
    assert "secret" not in created.json() and "url" not in created.json()
    assert [r["name"] for r in call_as("hr", "GET", ROBOTS).json()] == ["HR group"]
    refused = call_as("hr", "POST", ROBOTS, {**body, "url": "https://evil.example.com/robot/send"})
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["error"]["fields"]] == ["url"]
    assert Robot.objects.count() == 1


def test_hr_reads_the_log_page_by_page(call_as, personas):
    personas["hr"].email = "hr@example.com"
    personas["hr"].save(update_fields=["email"])
    notify(
        [
            Event(
                kind="review_returned",
                key=f"review_returned:{pk}:1",
                context={"review_id": pk, "employee": "张伟", "period": "2026Q3"},
                users=[personas["hr"].pk],
            )
            for pk in range(1, 6)
        ]
    )
    first = call_as("hr", "GET", DELIVERIES, {"page_size": 3}).json()
    assert [row["status"] for row in first["results"]] == ["pending"] * 3
    rest = call_as("hr", "GET", first["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    ids = [row["id"] for row in first["results"] + rest["results"]]
    assert ids == sorted(Delivery.objects.values_list("pk", flat=True), reverse=True)
    assert call_as("hr", "GET", DELIVERIES, {"status": "lost"}).status_code == 400
    assert call_as("hr", "GET", DELIVERIES, {"route": "email"}).json()["results"]
