"""Writing the calendar and the deadlines: HR only, all or nothing, every refusal naming its
field (and row) and its rule, and one audit event per change of the deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from calendars import services
from calendars.models import CalendarDay, QuarterDeadlines
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from hrperf.lib.roles import roles_of
from reviews.models import AuditEvent, ReviewCycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def set_days(personas, rows, persona="hr"):
    user = personas[persona]
    return services.calendar_days_set(user=user, roles=roles_of(user), rows=rows)


def set_deadlines(personas, cycle, values, persona="hr"):
    user = personas[persona]
    return services.deadlines_set(user=user, roles=roles_of(user), cycle=cycle, values=values)


def refusal(failed: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[int | None, str, str]]:
    return [(error.row, error.field, str(error.message)) for error in failed.value.errors]


# -- the calendar --------------------------------------------------------------------------------


def test_hr_adds_holidays_and_working_weekend_days(personas) -> None:
    saved = set_days(
        personas,
        [
            {"day": "2026-10-01", "kind": "holiday", "name": "国庆节"},
            {"day": "2026-09-27", "kind": "workday", "name": "国庆调休"},
            {"day": date(2026, 10, 10), "kind": "WORKDAY"},
        ],
    )
    assert [(day.day, day.kind, day.name) for day in saved] == [
        (date(2026, 9, 27), "workday", "国庆调休"),
        (date(2026, 10, 1), "holiday", "国庆节"),
        (date(2026, 10, 10), "workday", ""),
    ]
    assert {day.created_by for day in saved} == {personas["hr"]}


def test_a_day_listed_again_is_replaced(personas) -> None:
    set_days(personas, [{"day": "2026-10-01", "kind": "holiday", "name": "国庆"}])
    set_days(personas, [{"day": "2026-10-01", "kind": "holiday", "name": "国庆节"}])
    assert list(CalendarDay.objects.values_list("name", flat=True)) == ["国庆节"]


def test_one_bad_row_saves_nothing_and_each_problem_names_its_row_and_field(personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_days(
            personas,
            [
                {"day": "2026-10-01", "kind": "holiday", "name": "国庆节"},
                {"day": "2026/10/02", "kind": "holiday"},
                {"day": "2026-10-03", "kind": "day off"},
                {"day": "2026-02-30", "kind": "holiday"},
            ],
        )
    rows = refusal(failed)
    assert [(row, field) for row, field, _ in rows] == [(2, "day"), (3, "kind"), (4, "day")]
    assert "YYYY-MM-DD" in rows[0][2]
    assert "holiday or workday" in rows[1][2]
    assert CalendarDay.objects.count() == 0


def test_a_working_day_must_be_a_weekend_day(personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_days(personas, [{"day": "2026-10-08", "kind": "workday", "row": 7}])
    [(row, field, message)] = refusal(failed)
    assert (row, field) == (7, "kind")
    assert "2026-10-08 is a weekday" in message and "Saturday or Sunday" in message


def test_a_holiday_must_be_a_weekday(personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_days(personas, [{"day": "2026-10-03", "kind": "holiday"}])
    [(row, field, message)] = refusal(failed)
    assert (row, field) == (1, "kind")
    assert "2026-10-03 is a Saturday or Sunday" in message and "weekday" in message


def test_a_day_listed_twice_is_refused(personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_days(
            personas,
            [{"day": "2026-10-01", "kind": "holiday"}, {"day": "2026-10-01", "kind": "holiday"}],
        )
    assert refusal(failed) == [(2, "day", "2026-10-01 is listed twice (also in row 1).")]


@pytest.mark.parametrize(
    "raw", ["２０２６-10-01", "2026-1-1", "1999-12-31", "2026-10-01T00:00", 20261001, None]
)
def test_only_an_iso_date_in_range_is_a_date(personas, raw) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_days(personas, [{"day": raw, "kind": "holiday"}])
    assert [field for _, field, _ in refusal(failed)] == ["day"]


def test_a_long_name_and_an_empty_or_huge_list_are_refused(personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_days(personas, [{"day": "2026-10-01", "kind": "holiday", "name": "节" * 101}])
    assert [field for _, field, _ in refusal(failed)] == ["name"]
    with pytest.raises(ValidationFailed) as failed:
        set_days(personas, [])
    assert [field for _, field, _ in refusal(failed)] == ["days"]
    many = [{"day": "2026-10-01", "kind": "holiday"}] * (services.MAX_DAYS + 1)
    with pytest.raises(ValidationFailed) as failed:
        set_days(personas, many)
    assert [field for _, field, _ in refusal(failed)] == ["days"]


def test_hr_removes_a_day(personas) -> None:
    set_days(personas, [{"day": "2026-10-01", "kind": "holiday"}])
    hr = personas["hr"]
    assert services.calendar_day_remove(user=hr, roles=roles_of(hr), day=date(2026, 10, 1))
    assert not services.calendar_day_remove(user=hr, roles=roles_of(hr), day=date(2026, 10, 1))
    assert CalendarDay.objects.count() == 0


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_nobody_but_hr_edits_the_calendar(personas, persona) -> None:
    with pytest.raises(NotAllowed):
        set_days(personas, [{"day": "2026-10-01", "kind": "holiday"}], persona=persona)
    user = personas[persona]
    with pytest.raises(NotAllowed):
        services.calendar_day_remove(user=user, roles=roles_of(user), day=date(2026, 10, 1))


# -- the deadlines -------------------------------------------------------------------------------

DEADLINES = {
    "self_assessment_due": "2026-10-09",
    "rating_due": "2026-10-16",
    "approval_due": "2026-10-23",
    "appeal_working_days": "5",
    "answer_working_days": 7,
}


def test_hr_sets_a_quarters_deadlines(fresh_quarter, personas) -> None:
    row = set_deadlines(personas, fresh_quarter, DEADLINES)
    assert (row.self_assessment_due, row.rating_due, row.approval_due) == (
        date(2026, 10, 9),
        date(2026, 10, 16),
        date(2026, 10, 23),
    )
    assert (row.appeal_working_days, row.answer_working_days) == (5, 7)
    assert row.updated_by == personas["hr"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.DEADLINES_CHANGED)
    assert event.cycle == fresh_quarter and event.actor == personas["hr"]
    assert event.params == {
        "changes": [
            {"field": "self_assessment_due", "from": "", "to": "2026-10-09"},
            {"field": "rating_due", "from": "", "to": "2026-10-16"},
            {"field": "approval_due", "from": "", "to": "2026-10-23"},
            {"field": "answer_working_days", "from": 5, "to": 7},
        ]
    }


def test_only_the_fields_given_change_and_the_event_names_them(fresh_quarter, personas) -> None:
    set_deadlines(personas, fresh_quarter, DEADLINES)
    row = set_deadlines(
        personas, fresh_quarter, {"rating_due": "2026-10-19", "self_assessment_due": ""}
    )
    assert (row.self_assessment_due, row.rating_due, row.approval_due) == (
        None,
        date(2026, 10, 19),
        date(2026, 10, 23),
    )
    last = AuditEvent.objects.filter(action=AuditEvent.Action.DEADLINES_CHANGED).last()
    assert last is not None
    assert last.params == {
        "changes": [
            {"field": "self_assessment_due", "from": "2026-10-09", "to": ""},
            {"field": "rating_due", "from": "2026-10-16", "to": "2026-10-19"},
        ]
    }


def test_no_change_writes_no_event(fresh_quarter, personas) -> None:
    set_deadlines(personas, fresh_quarter, {"appeal_working_days": 5})
    assert not QuarterDeadlines.objects.exists()
    set_deadlines(personas, fresh_quarter, DEADLINES)
    set_deadlines(personas, fresh_quarter, DEADLINES)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DEADLINES_CHANGED).count() == 1


def test_the_deadlines_go_in_order(fresh_quarter, personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_deadlines(
            personas,
            fresh_quarter,
            {"self_assessment_due": "2026-10-20", "rating_due": "2026-10-16"},
        )
    [(_, field, message)] = refusal(failed)
    assert field == "rating_due"
    assert "2026-10-16" in message and "2026-10-20" in message and "before" in message
    # Against a deadline already set, too, and past one not set.
    set_deadlines(personas, fresh_quarter, {"self_assessment_due": "2026-10-09"})
    with pytest.raises(ValidationFailed) as failed:
        set_deadlines(personas, fresh_quarter, {"approval_due": "2026-10-08"})
    assert [field for _, field, _ in refusal(failed)] == ["approval_due"]
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.DEADLINES_CHANGED, params__changes__0__field="approval_due"
    ).exists()


def test_a_deadline_stays_within_the_quarters_range(fresh_quarter, personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_deadlines(
            personas,
            fresh_quarter,
            {"self_assessment_due": "2026-06-30", "approval_due": "2027-10-01"},
        )
    rows = refusal(failed)
    assert [field for _, field, _ in rows] == ["self_assessment_due", "approval_due"]
    assert "2026-07-01" in rows[0][2] and "2027-09-30" in rows[1][2]
    row = set_deadlines(personas, fresh_quarter, {"approval_due": "2027-09-30"})
    assert row.approval_due == date(2027, 9, 30)


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("rating_due", "2026/10/16"),
        ("rating_due", "16.10.2026"),
        ("rating_due", "2026-10-16 "),  # spaces around are fine: see below
        ("appeal_working_days", "0"),
        ("appeal_working_days", "61"),
        ("appeal_working_days", "5.5"),
        ("appeal_working_days", "５"),
        ("appeal_working_days", True),
        ("answer_working_days", ""),
        ("answer_working_days", None),
    ],
)
def test_strict_parsing_names_the_field(fresh_quarter, personas, field, raw) -> None:
    if raw == "2026-10-16 ":
        assert set_deadlines(personas, fresh_quarter, {field: raw}).rating_due == date(2026, 10, 16)
        return
    with pytest.raises(ValidationFailed) as failed:
        set_deadlines(personas, fresh_quarter, {field: raw})
    assert [name for _, name, _ in refusal(failed)] == [field]


def test_a_count_out_of_range_says_the_range(fresh_quarter, personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_deadlines(personas, fresh_quarter, {"appeal_working_days": "61"})
    assert "from 1 to 60" in refusal(failed)[0][2]


def test_an_unknown_field_is_named(fresh_quarter, personas) -> None:
    with pytest.raises(ValidationFailed) as failed:
        set_deadlines(personas, fresh_quarter, {"closing_due": "2026-10-30"})
    assert [field for _, field, _ in refusal(failed)] == ["closing_due"]


def test_a_closed_quarter_refuses(fresh_quarter, personas) -> None:
    ReviewCycle.objects.filter(pk=fresh_quarter.pk).update(status=ReviewCycle.Status.CLOSED)
    with pytest.raises(Conflict, match="2026Q3 is closed"):
        set_deadlines(personas, fresh_quarter, DEADLINES)
    assert not QuarterDeadlines.objects.exists()


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_nobody_but_hr_sets_deadlines(fresh_quarter, personas, persona) -> None:
    with pytest.raises(NotAllowed):
        set_deadlines(personas, fresh_quarter, DEADLINES, persona=persona)
    assert not QuarterDeadlines.objects.exists()
