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
from notifications.services.sweep import notifications_sweep
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


def due_today(user_ids):
    """Every person in `user_ids` has one self-assessment due today."""
    today = timezone.localdate()
    work = Todo("self_assess", "Write your self-assessment", "/self/", due=today)
    return lambda user: [work] if user.pk in user_ids else []


def test_the_reminders_are_planned_in_parts_that_cover_every_active_person(personas, settings):
    settings.NOTIFY_REMINDER_PART = 2
    personas["outsider"].is_active = False
    personas["outsider"].save(update_fields=["is_active"])
    active = sorted(u.pk for u in personas.values() if u.is_active)
    parts = daily.deadlines_plan()
    assert [(p.first, p.last) for p in parts] == [
        (chunk[0], chunk[-1]) for chunk in (active[at : at + 2] for at in range(0, len(active), 2))
    ]
    assert daily.deadlines_plan() == []  # planned once a day
    names = set(DailyRun.objects.exclude(name="deadlines").values_list("name", flat=True))
    assert names == {p.name for p in parts}
    told = sum(daily.deadlines_part_run(p, todos_of=due_today(set(active))) for p in parts)
    assert told == len(active)
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == active
    assert not DailyRun.objects.filter(name__startswith="deadlines:", finished_at=None).exists()


def test_a_part_run_again_tells_nobody_twice(personas, settings):
    settings.NOTIFY_REMINDER_PART = 100
    everyone = {u.pk for u in personas.values()}
    [part] = daily.deadlines_plan()
    assert daily.deadlines_part_run(part, todos_of=due_today(everyone)) == len(everyone)
    assert daily.deadlines_part_run(part, todos_of=due_today(everyone)) == 0
    assert Notification.objects.count() == len(everyone)


def test_a_part_that_fails_records_nothing_and_is_swept_again(personas, settings, published):
    settings.NOTIFY_REMINDER_PART = 100
    settings.SWEEP_GRACE = 60
    [part] = daily.deadlines_plan()

    def broken(user):
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        daily.deadlines_part_run(part, todos_of=broken)
    assert not Notification.objects.exists()
    planned = DailyRun.objects.get(name=part.name).started_at
    assert part.name not in daily.daily_due(planned + dt.timedelta(seconds=59))
    later = planned + dt.timedelta(seconds=61)
    assert part.name in daily.daily_due(later)
    notifications_sweep(now=later)
    assert [p.args for p in published if p.name == "notifications.deadlines_part"] == [
        (part.name, part.day.isoformat())
    ]
    everyone = {u.pk for u in personas.values()}
    assert daily.deadlines_part_run(part, todos_of=due_today(everyone)) == len(everyone)
    assert part.name not in daily.daily_due(later)


def test_starting_the_reminders_queues_each_part_once_committed(
    personas, settings, published, django_capture_on_commit_callbacks
):
    settings.NOTIFY_REMINDER_PART = 3
    with django_capture_on_commit_callbacks(execute=True):
        parts = daily.deadlines_start()
    assert parts == DailyRun.objects.filter(name__startswith="deadlines:").count() > 1
    queued = [p.args for p in published if p.name == "notifications.deadlines_part"]
    assert queued == [
        (name, timezone.localdate().isoformat())
        for name in DailyRun.objects.filter(name__startswith="deadlines:")
        .order_by("pk")
        .values_list("name", flat=True)
    ]
