"""The day's messages (notifications.services.daily): one digest a person a day, whatever
the number of notifications, and deadline reminders once per kind of work, deadline and
phase."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hrperf.lib.todos import Todo
from notifications.models import DailyRun, Delivery, Digest, Notification, Preference
from notifications.services import daily
from notifications.services.notify import Event, notify
from tests.helpers.notifications import send_due

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 10, 12)


def at(hour, day=MONDAY):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def returned(review_id, users):
    return Event(
        kind="review_returned",
        key=f"review_returned:{review_id}:2",
        context={"review_id": review_id, "employee": f"员工{review_id}", "period": "2026Q3"},
        users=users,
    )


def test_a_digest_tells_a_days_notifications_in_one_message(personas, mailoutbox):
    hr = personas["hr"]
    hr.email = "hr@example.com"
    hr.save(update_fields=["email"])
    Preference.objects.create(user=hr, mode="digest", language="en")
    assert notify([returned(pk, [hr.pk]) for pk in (11, 12, 13)]) == []  # nothing at once
    assert daily.digests_make(now=timezone.now()) == 1
    assert daily.digests_make(now=timezone.now()) == 0  # once a day
    assert send_due() == ["sent"]
    [mail] = mailoutbox
    assert mail.subject == "hrperf: 3 things for you today"
    for name in ("员工11", "员工12", "员工13"):
        assert name in mail.body
    assert Notification.objects.filter(digest__isnull=True).count() == 0
    notify([returned(14, [hr.pk])])  # after today's digest: tomorrow's
    assert Notification.objects.filter(digest__isnull=True).count() == 1
    assert Digest.objects.count() == 1


def test_nobody_without_waiting_notifications_gets_a_digest(personas):
    Preference.objects.create(user=personas["hr"], mode="digest", language="en")
    assert daily.digests_make() == 0
    assert not Delivery.objects.exists()


def test_the_daily_jobs_are_due_after_their_hour_until_they_ran(settings):
    settings.NOTIFY_DIGEST_HOUR = 8
    settings.NOTIFY_REMINDER_HOUR = 9
    assert daily.daily_due(at(7)) == []
    assert daily.daily_due(at(8)) == ["digests"]
    assert daily.daily_due(at(9)) == ["digests", "deadlines"]
    assert daily.daily_due(at(9, day=MONDAY + dt.timedelta(days=5))) == ["digests"]  # Saturday
    DailyRun.objects.create(name="digests", day=MONDAY)
    assert daily.daily_due(at(10)) == ["deadlines"]


def test_deadline_reminders_go_once_per_work_deadline_and_phase(personas, mailoutbox):
    employee = personas["employee"]
    employee.email = "employee@example.com"
    employee.save(update_fields=["email"])
    today = timezone.localdate()
    work = {
        employee.pk: [
            Todo("self_assess", "Write your self-assessment", "/self/", due=today),
            Todo("confirm_result", "Confirm your result", "/r/", due=today + dt.timedelta(days=30)),
            Todo("nothing_due", "No deadline", "/x/"),
        ]
    }
    assert daily.deadlines_remind(todos_of=lambda user: work.get(user.pk, [])) == 1
    assert daily.deadlines_remind(todos_of=lambda user: work.get(user.pk, [])) == 0  # today's ran
    DailyRun.objects.all().delete()
    assert daily.deadlines_remind(todos_of=lambda user: work.get(user.pk, [])) == 1
    assert Notification.objects.filter(kind="deadline").count() == 1  # told once
    send_due()
    [mail] = mailoutbox
    assert "Write your self-assessment" in mail.subject
    work[employee.pk][0] = Todo(
        "self_assess", "Write your self-assessment", "/self/", due=today, overdue=True
    )
    DailyRun.objects.all().delete()
    daily.deadlines_remind(todos_of=lambda user: work.get(user.pk, []))
    assert Notification.objects.filter(kind="deadline").count() == 2  # now passed
