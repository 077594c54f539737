"""Telling people (notifications.services.notify): once per event and person, on the channels
each chose, quiet hours, group robots once per event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import Delivery, Notification, Preference, Robot
from notifications.services.notify import Event, notify, quiet_until

pytestmark = pytest.mark.django_db


def with_emails(personas, *names):
    for name in names:
        personas[name].email = f"{name}@example.com"
        personas[name].save(update_fields=["email"])


def event(users, key="review_returned:1:2", group=""):
    return Event(
        kind="review_returned",
        key=key,
        context={"review_id": 1, "employee": "张伟", "period": "2026Q3", "comment": "改"},
        users=users,
        group=group,
    )


def robot(audience, person=None, platform="feishu", active=True):
    return Robot.objects.create(
        name=f"{audience} robot",
        platform=platform,
        url="https://open.feishu.cn/open-apis/bot/v2/hook/abcdefgh",
        audience=audience,
        person=person,
        active=active,
    )


def test_an_event_is_told_once_per_person_however_often_it_comes(personas):
    with_emails(personas, "hr", "director")
    users = [personas["hr"].pk, personas["director"].pk]
    first = notify([event(users)])
    again = notify([event(users), event(users)])
    assert len(first) == 2 and again == []
    assert Notification.objects.count() == 2
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [
        "director@example.com",
        "hr@example.com",
    ]


def test_people_without_an_address_or_inactive_get_no_mail_but_keep_the_notification(personas):
    with_emails(personas, "director")
    personas["director"].is_active = False
    personas["director"].save(update_fields=["is_active"])
    notify([event([personas["hr"].pk, personas["director"].pk])])
    assert list(Notification.objects.values_list("user", flat=True)) == [personas["hr"].pk]
    assert not Delivery.objects.exists()


def test_each_person_gets_the_channels_they_chose(personas):
    with_emails(personas, "hr", "director", "employee")
    Preference.objects.create(user=personas["hr"], email=False, robot=True, language="en")
    Preference.objects.create(user=personas["director"], mode="digest", language="zh-hans")
    mine = robot("person", person=personas["hr"])
    robot("person", person=personas["employee"])  # chosen by nobody: the employee takes mail
    notify([event([personas[n].pk for n in ("hr", "director", "employee")])])
    rows = {(d.user_id, d.channel, d.robot_id, d.language) for d in Delivery.objects.all()}
    assert rows == {
        (personas["hr"].pk, "robot", mine.pk, "en"),
        (personas["employee"].pk, "email", None, "zh-hans"),
    }
    digest = Notification.objects.get(user=personas["director"])
    assert digest.for_digest and digest.digest is None


def test_a_group_robot_is_told_once_per_event_not_once_per_person(personas):
    with_emails(personas, "hr")
    group = robot("hr")
    robot("director")
    robot("hr", active=False)
    notify([event([personas["hr"].pk], group="hr")])
    notify([event([personas["hr"].pk], group="hr")])
    robots = Delivery.objects.filter(channel="robot")
    assert [(d.robot_id, d.user_id, d.route) for d in robots] == [(group.pk, None, "feishu")]


def test_nothing_is_told_of_a_change_rolled_back(personas):
    with_emails(personas, "hr")

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        notify([event([personas["hr"].pk])])
        raise RolledBack
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def at(hour, minute=0, day=dt.date(2026, 10, 12)):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.mark.parametrize(
    ("start", "end", "now", "expected"),
    [
        (None, None, at(23), at(23)),
        (dt.time(22), dt.time(7), at(21, 59), at(21, 59)),
        (dt.time(22), dt.time(7), at(22), at(7, day=dt.date(2026, 10, 13))),
        (dt.time(22), dt.time(7), at(3), at(7)),
        (dt.time(22), dt.time(7), at(7), at(7)),
        (dt.time(12), dt.time(14), at(13, 30), at(14)),
        (dt.time(12), dt.time(14), at(14, 1), at(14, 1)),
    ],
)
def test_quiet_hours_hold_a_message_until_they_end(start, end, now, expected):
    preference = Preference(quiet_from=start, quiet_until=end, language="zh-hans")
    assert quiet_until(preference, now) == expected


def test_a_message_in_quiet_hours_waits_for_their_end(personas, monkeypatch):
    with_emails(personas, "employee")
    Preference.objects.create(
        user=personas["employee"],
        quiet_from=dt.time(22),
        quiet_until=dt.time(7),
        language="zh-hans",
    )
    monkeypatch.setattr(timezone, "now", lambda: at(23))
    notify([event([personas["employee"].pk])])
    assert Delivery.objects.get().next_attempt_at == at(7, day=dt.date(2026, 10, 13))
