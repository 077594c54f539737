"""The director's morning reminder of the reviews waiting for approval
(reviews.services.reminders): once a day, however often its task runs."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Delivery
from reviews import services
from reviews.models import DirectorReminder
from reviews.services import reminders
from tests.helpers.notifications import send_due
from tests.helpers.quarters import scored

MONDAY = dt.date(2026, 10, 12)


def test_the_director_is_reminded_of_scored_reviews_waiting(fresh_quarter, personas, mailoutbox):
    personas["director"].email = "director@example.com"
    personas["director"].save()
    assert services.director_remind(day=MONDAY) == 0
    assert mailoutbox == []
    scored(personas)
    assert services.director_remind(day=MONDAY + dt.timedelta(days=1)) == 1
    assert send_due() == ["sent"]
    assert len(mailoutbox) == 1
    assert "2026Q3" in mailoutbox[0].body
    assert mailoutbox[0].to == ["director@example.com"]


def test_a_repeated_reminder_the_same_day_sends_nothing(fresh_quarter, personas, mailoutbox):
    personas["director"].email = "director@example.com"
    personas["director"].save()
    scored(personas)
    assert services.director_remind() == 1
    assert services.director_remind() == 0
    assert send_due() == ["sent"]
    assert send_due() == []
    assert len(mailoutbox) == 1
    assert DirectorReminder.objects.get().day == timezone.localdate()


def test_a_reminder_whose_mail_failed_is_kept_and_tried_again(
    fresh_quarter, personas, mailoutbox, monkeypatch
):
    personas["director"].email = "director@example.com"
    personas["director"].save()
    scored(personas)

    def refused(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    assert services.director_remind(day=MONDAY) == 1
    assert send_due() == ["pending"]
    assert DirectorReminder.objects.get().day == MONDAY
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and "Connection refused" in delivery.last_error
    monkeypatch.undo()
    assert send_due(now=delivery.next_attempt_at) == ["sent"]
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("day", "time", "due"),
    [
        (dt.date(2026, 10, 12), dt.time(8, 59), False),  # Monday, before the hour
        (dt.date(2026, 10, 12), dt.time(9, 0), True),
        (dt.date(2026, 10, 16), dt.time(17, 0), True),  # Friday
        (dt.date(2026, 10, 17), dt.time(10, 0), False),  # Saturday
    ],
)
def test_the_reminder_is_due_on_weekdays_from_the_hour(day, time, due):
    moment = dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())
    assert reminders.reminder_due(moment) is due
