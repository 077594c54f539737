"""The notification pages: anyone signed in chooses how they are told; HR's robots and
delivery log are refused to everyone else."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.models import Preference, Robot

pytestmark = pytest.mark.django_db

PREFERENCES = "/notifications/"
ROBOTS = "/clients/robots/"
LOG = "/notifications/deliveries/"


@pytest.mark.parametrize("persona", ["hr", "director", "head", "employee", "outsider"])
def test_anyone_signed_in_sets_how_they_are_told(client_for, personas, persona):
    client = client_for(persona)
    assert client.get(PREFERENCES).status_code == 200
    response = client.post(
        PREFERENCES,
        {
            "email": "on",
            "mode": "digest",
            "quiet_from": "21:00",
            "quiet_until": "08:00",
            "language": "en",
        },
    )
    assert response.status_code == 302
    saved = Preference.objects.get(user=personas[persona])
    assert (saved.mode, saved.quiet_from, saved.language) == ("digest", dt.time(21), "en")


def test_half_given_quiet_hours_are_refused_on_the_form(client_for):
    response = client_for("employee").post(
        PREFERENCES, {"email": "on", "mode": "immediate", "quiet_from": "21:00", "language": "en"}
    )
    assert response.status_code == 200
    assert "quiet_until" in response.context["form"].errors
    assert not Preference.objects.exists()


def test_anonymous_visitors_go_to_the_login_page(client):
    for url in (PREFERENCES, ROBOTS, LOG):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_robots_and_the_log_are_hrs_only(client_for, persona):
    client = client_for(persona)
    assert client.get(ROBOTS).status_code == 403
    assert client.get(LOG).status_code == 403
    assert client.post(ROBOTS, {"name": "x"}).status_code == 403
    assert not Robot.objects.exists()


def test_hr_adds_a_robot_on_the_page_and_sees_it_listed(client_for, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the platform's host cannot be resolved here
    client = client_for("hr")
    response = client.post(
        ROBOTS,
        {
            "name": "HR group",
            "platform": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh-1234",
            "audience": "hr",
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302
    page = client.get(ROBOTS).content.decode()
    assert "HR group" in page and "key=…1234" in page and "abcdefgh-1234" not in page
    robot = Robot.objects.get()
    assert client.post(f"/clients/robots/{robot.pk}/disable/").status_code == 302
    assert not Robot.objects.get().active
    assert client.get(LOG).status_code == 200


def test_a_robot_address_of_another_platform_is_refused_on_the_form(client_for, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    response = client_for("hr").post(
        ROBOTS,
        {
            "name": "HR group",
            "platform": "feishu",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh-1234",
            "audience": "hr",
        },
    )
    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert not Robot.objects.exists()


def test_a_robot_of_nobody_is_a_404(client_for):
    assert client_for("hr").post("/clients/robots/999/test/").status_code == 404
