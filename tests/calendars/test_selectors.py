"""Reading the calendar and the deadlines: working days by HR's calendar, the appeal window in
local time, when a deadline has passed, and HR's to-do of quarters without deadlines."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from calendars import selectors
from calendars.models import CalendarDay, QuarterDeadlines
from hrperf.lib.roles import roles_of
from reviews.models import Review, ReviewCycle

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def national_day_2026() -> None:
    for offset in range(7):
        CalendarDay.objects.create(
            day=date(2026, 10, 1) + timedelta(days=offset), kind="holiday", name="国庆节"
        )
    CalendarDay.objects.create(day=date(2026, 9, 27), kind="workday", name="国庆调休")
    CalendarDay.objects.create(day=date(2026, 10, 10), kind="workday", name="国庆调休")


@pytest.mark.django_db
def test_working_days_follow_hrs_calendar() -> None:
    national_day_2026()
    assert selectors.working_days_after(date(2026, 9, 25), 1) == date(2026, 9, 27)
    assert selectors.working_days_after(date(2026, 9, 25), 5) == date(2026, 10, 8)
    assert selectors.working_days_after(date(2026, 9, 25), 7) == date(2026, 10, 10)
    assert selectors.working_days_after(date(2026, 9, 30), 0) == date(2026, 9, 30)


@pytest.mark.django_db
def test_without_a_calendar_only_weekends_are_off() -> None:
    assert selectors.working_days_after(date(2026, 10, 1), 1) == date(2026, 10, 2)


@pytest.mark.django_db
def test_the_appeal_window_counts_from_the_local_date_of_the_approval(fresh_quarter) -> None:
    national_day_2026()
    # 17:30 UTC on Friday 25 Sep is 01:30 on Saturday 26 Sep in Shanghai: the count starts
    # from the Saturday, and Sunday 27 (调休) is the first working day after it.
    review = Review(
        cycle=fresh_quarter,
        state=Review.State.APPROVED,
        approved_at=datetime(2026, 9, 25, 17, 30, tzinfo=UTC),
    )
    # 27 Sep, 28, 29, 30, then 8 Oct: the fifth working day.
    assert selectors.appeal_window_ends(review) == date(2026, 10, 8)
    review.approved_at = datetime(2026, 9, 25, 15, 59, tzinfo=UTC)  # 23:59 on Friday locally
    assert selectors.appeal_window_ends(review) == date(2026, 10, 8)
    # Monday 09:00 locally: 29 Sep, 30 Sep, 8 Oct, 9 Oct and Saturday 10 Oct (调休).
    review.approved_at = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)
    assert selectors.appeal_window_ends(review) == date(2026, 10, 10)


@pytest.mark.django_db
def test_the_appeal_window_takes_the_quarters_count(fresh_quarter) -> None:
    QuarterDeadlines.objects.create(cycle=fresh_quarter, appeal_working_days=2)
    review = Review(
        cycle=fresh_quarter,
        state=Review.State.APPROVED,
        approved_at=datetime(2026, 9, 21, 2, 0, tzinfo=UTC),  # Monday
    )
    assert selectors.appeal_window_ends(review) == date(2026, 9, 23)


@pytest.mark.django_db
def test_a_review_not_approved_has_no_appeal_window(fresh_quarter) -> None:
    review = Review(cycle=fresh_quarter, state=Review.State.SCORED, approved_at=None)
    assert selectors.appeal_window_ends(review) is None


def test_a_deadline_passes_at_the_end_of_its_day_in_local_time() -> None:
    due = date(2026, 10, 8)
    assert not selectors.is_past(due, now=datetime(2026, 10, 8, 23, 59, 59, tzinfo=SHANGHAI))
    assert selectors.is_past(due, now=datetime(2026, 10, 9, 0, 0, tzinfo=SHANGHAI))
    # 16:00 UTC is midnight in Shanghai.
    assert not selectors.is_past(due, now=datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC))
    assert selectors.is_past(due, now=datetime(2026, 10, 8, 16, 0, tzinfo=UTC))
    assert not selectors.is_past(None)


def test_the_end_of_a_day_is_local_midnight() -> None:
    assert selectors.end_of(date(2026, 10, 8)) == datetime(2026, 10, 9, tzinfo=SHANGHAI)
    assert selectors.local_date(datetime(2026, 10, 8, 16, 0, tzinfo=UTC)) == date(2026, 10, 9)


def test_a_deadlines_status_counts_the_days_left() -> None:
    now = datetime(2026, 10, 6, 12, 0, tzinfo=SHANGHAI)
    later = selectors.deadline_status(date(2026, 10, 16), now=now)
    assert (later.past, later.days_left, later.soon, later.today) == (False, 10, False, False)
    near = selectors.deadline_status(date(2026, 10, 8), now=now)
    assert (near.past, near.days_left, near.soon) == (False, 2, True)
    today = selectors.deadline_status(date(2026, 10, 6), now=now)
    assert (today.past, today.today, today.soon) == (False, True, True)
    passed = selectors.deadline_status(date(2026, 10, 5), now=now)
    assert (passed.past, passed.days_left, passed.soon) == (True, -1, False)
    unset = selectors.deadline_status(None, now=now)
    assert (unset.due, unset.past, unset.days_left) == (None, False, None)


@pytest.mark.django_db
def test_a_quarter_without_deadlines_has_the_defaults(fresh_quarter) -> None:
    view = selectors.quarter_deadlines(fresh_quarter)
    assert not view.is_set
    assert [row.name for row in view.rows] == list(selectors.DATE_FIELDS)
    assert view.deadlines.appeal_working_days == 5
    assert view.deadlines.answer_working_days == 5


@pytest.mark.django_db
def test_a_quarters_deadlines_are_read_in_one_query(
    fresh_quarter, django_assert_num_queries
) -> None:
    QuarterDeadlines.objects.create(cycle=fresh_quarter, rating_due=date(2026, 10, 20))
    with django_assert_num_queries(1):
        view = selectors.quarter_deadlines(
            fresh_quarter, now=datetime(2026, 10, 19, tzinfo=SHANGHAI)
        )
    assert view.is_set
    rating = next(row for row in view.rows if row.name == "rating_due")
    assert (rating.status.due, rating.status.days_left) == (date(2026, 10, 20), 1)


@pytest.mark.django_db
def test_the_calendar_lists_a_years_days_in_order() -> None:
    national_day_2026()
    CalendarDay.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦")
    days = selectors.calendar_days(year=2026)
    assert [day.day for day in days][:2] == [date(2026, 9, 27), date(2026, 10, 1)]
    assert len(days) == 9
    assert len(selectors.calendar_days()) == 10
    assert selectors.calendar_years() == [2026, 2027]


@pytest.mark.django_db
def test_hr_is_asked_to_set_the_deadlines_of_open_quarters(
    fresh_quarter, personas, django_assert_num_queries
) -> None:
    roles = roles_of(personas["hr"])
    with django_assert_num_queries(1):
        items = selectors.todos(viewer_roles=roles, user=personas["hr"])
    assert len(items) == 1
    assert items[0].kind == "set_deadlines"
    assert items[0].count == 1
    assert "2026Q3" in str(items[0].label)
    assert items[0].url == reverse("calendars:deadlines", kwargs={"period": "2026Q3"})


@pytest.mark.django_db
def test_one_item_names_every_quarter_without_deadlines(fresh_quarter, personas) -> None:
    ReviewCycle.objects.create(
        period="2026Q4", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 31)
    )
    items = selectors.todos(viewer_roles=roles_of(personas["hr"]), user=personas["hr"])
    assert [(item.count, item.url) for item in items] == [(2, "/quarters/2026Q4/deadlines/")]
    assert "2026Q3" in str(items[0].label) and "2026Q4" in str(items[0].label)


@pytest.mark.django_db
def test_a_quarter_with_a_deadline_or_closed_asks_nothing(fresh_quarter, personas) -> None:
    QuarterDeadlines.objects.create(cycle=fresh_quarter, approval_due=date(2026, 10, 30))
    ReviewCycle.objects.create(
        period="2026Q2",
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 6, 30),
        status=ReviewCycle.Status.CLOSED,
    )
    assert selectors.todos(viewer_roles=roles_of(personas["hr"]), user=personas["hr"]) == []


@pytest.mark.django_db
def test_a_row_with_only_counts_is_not_set(fresh_quarter, personas) -> None:
    QuarterDeadlines.objects.create(cycle=fresh_quarter, appeal_working_days=7)
    items = selectors.todos(viewer_roles=roles_of(personas["hr"]), user=personas["hr"])
    assert [item.count for item in items] == [1]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["director", "head", "employee", "other_employee", "outsider"])
def test_nobody_but_hr_sets_deadlines(
    fresh_quarter, personas, persona, django_assert_num_queries
) -> None:
    roles = roles_of(personas[persona])
    with django_assert_num_queries(0):
        assert selectors.todos(viewer_roles=roles, user=personas[persona]) == []


def test_now_defaults_to_the_current_moment() -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    assert selectors.deadline_status(yesterday).past
