"""HR's calendar page and a quarter's deadlines page: who may open and do what, adding, pasting,
uploading and removing days, setting the deadlines, and the deadlines on the quarter's page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from calendars.models import CalendarDay, QuarterDeadlines
from reviews.models import AuditEvent, ReviewCycle

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PERSONAS = ("hr", "director", "head", "employee", "other_employee", "outsider", None)
PERIOD = "2026Q3"
DEADLINES = {
    "self_assessment_due": "2026-10-09",
    "rating_due": "2026-10-16",
    "approval_due": "2026-10-23",
    "appeal_working_days": "5",
    "answer_working_days": "7",
}


def expected(persona: str | None, allowed: set[str]) -> int:
    if persona is None:
        return 302
    return 200 if persona in allowed else 403


# -- who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_calendar_page_is_for_hr(client_for, persona) -> None:
    response = client_for(persona).get(reverse("calendars:calendar"), **EN)
    assert response.status_code == expected(persona, {"hr"})
    if persona is None:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("calendars:calendar_add", []),
        ("calendars:calendar_paste", []),
        ("calendars:calendar_upload", []),
        ("calendars:calendar_remove", ["2026-10-01"]),
    ],
)
def test_only_hr_changes_the_calendar(client_for, personas, persona, name, args) -> None:
    CalendarDay.objects.create(day=date(2026, 10, 1), kind="holiday")
    response = client_for(persona).post(
        reverse(name, args=args),
        {"day": "2026-10-02", "kind": "holiday", "lines": "2026-10-05 holiday"},
    )
    if persona == "hr":
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == (302 if persona is None else 403)
        assert list(CalendarDay.objects.values_list("day", flat=True)) == [date(2026, 10, 1)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_deadlines_page_is_for_whoever_sees_the_quarter(
    client_for, fresh_quarter, persona
) -> None:
    response = client_for(persona).get(reverse("calendars:deadlines", args=[PERIOD]), **EN)
    assert response.status_code == expected(persona, {"hr", "director", "head"})
    if response.status_code == 200:
        assert (b'data-testid="deadlines-form"' in response.content) == (persona == "hr")


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_sets_the_deadlines(client_for, fresh_quarter, persona) -> None:
    response = client_for(persona).post(reverse("calendars:deadlines", args=[PERIOD]), DEADLINES)
    assert response.status_code == 403
    assert not QuarterDeadlines.objects.exists()


def test_an_unknown_quarter_or_year_is_a_404(client_for, fresh_quarter) -> None:
    hr = client_for("hr")
    assert hr.get(reverse("calendars:deadlines", args=["2030Q1"])).status_code == 404
    for year in ("1999", "20266", "２０２６", "abc"):
        assert hr.get(reverse("calendars:calendar"), {"year": year}).status_code == 404


# -- the calendar --------------------------------------------------------------------------------


def test_the_calendar_shows_a_years_days(client_for) -> None:
    CalendarDay.objects.create(day=date(2026, 10, 1), kind="holiday", name="国庆节")
    CalendarDay.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦")
    response = client_for("hr").get(reverse("calendars:calendar"), {"year": "2026"}, **EN)
    content = response.content.decode()
    assert 'data-testid="day-2026-10-01"' in content and "国庆节" in content
    assert "元旦" not in content
    assert '<a href="?year=2027">2027</a>' in content


def test_hr_adds_a_day(client_for) -> None:
    response = client_for("hr").post(
        reverse("calendars:calendar_add"),
        {"day": "2026-10-10", "kind": "workday", "name": "国庆调休"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2026")
    assert CalendarDay.objects.get().kind == "workday"


def test_a_wrong_day_says_why_on_its_field(client_for) -> None:
    response = client_for("hr").post(
        reverse("calendars:calendar_add"), {"day": "2026-10-08", "kind": "workday"}, **EN
    )
    assert response.status_code == 400
    assert "only a Saturday or Sunday" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_hr_pastes_many_days(client_for) -> None:
    lines = "\n".join(
        [f"2026-10-0{day} holiday 国庆节" for day in range(1, 8) if day not in (3, 4)]
        + ["2026-09-27 workday 国庆调休", "2026-10-10\tworkday\t国庆调休"]
    )
    response = client_for("hr").post(reverse("calendars:calendar_paste"), {"lines": lines})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(kind="holiday").count() == 5
    assert CalendarDay.objects.filter(kind="workday").count() == 2


def test_pasted_lines_with_a_mistake_save_nothing_and_name_the_line(client_for) -> None:
    lines = "2026-10-01 holiday 国庆节\n2026-10-03 holiday 国庆节\n2026/10/05 holiday"
    response = client_for("hr").post(reverse("calendars:calendar_paste"), {"lines": lines}, **EN)
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [(error.row, error.field) for error in errors] == [(2, "kind"), (3, "day")]
    assert b'data-testid="calendar-errors"' in response.content
    assert not CalendarDay.objects.exists()


def test_hr_uploads_a_csv_file(client_for) -> None:
    upload = SimpleUploadedFile(
        "days.csv", "date,kind,name\n2026-10-01,holiday,国庆节\n".encode(), "text/csv"
    )
    response = client_for("hr").post(reverse("calendars:calendar_upload"), {"file": upload})
    assert response.status_code == 302
    assert CalendarDay.objects.get().name == "国庆节"


def test_an_upload_without_a_file_is_asked_for(client_for) -> None:
    response = client_for("hr").post(reverse("calendars:calendar_upload"), {}, **EN)
    assert response.status_code == 400
    assert response.context["file_form"].errors


def test_hr_removes_a_day(client_for) -> None:
    CalendarDay.objects.create(day=date(2026, 10, 1), kind="holiday")
    hr = client_for("hr")
    response = hr.post(reverse("calendars:calendar_remove", args=["2026-10-01"]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert hr.post(reverse("calendars:calendar_remove", args=["2026-10-01"])).status_code == 404
    assert hr.post(reverse("calendars:calendar_remove", args=["nonsense"])).status_code == 404


# -- the deadlines -------------------------------------------------------------------------------


def test_hr_sets_the_deadlines_and_the_change_is_in_the_history(client_for, fresh_quarter) -> None:
    hr = client_for("hr")
    response = hr.post(reverse("calendars:deadlines", args=[PERIOD]), DEADLINES)
    assert response.status_code == 302
    row = QuarterDeadlines.objects.get(cycle=fresh_quarter)
    assert (row.rating_due, row.answer_working_days) == (date(2026, 10, 16), 7)
    page = hr.get(reverse("calendars:deadlines", args=[PERIOD]), **EN).content.decode()
    assert "Deadlines changed: Self-assessment due: not set → 2026-10-09; Ratings due" in page
    assert 'value="2026-10-16"' in page


def test_a_wrong_deadline_is_named_on_its_field(client_for, fresh_quarter) -> None:
    response = client_for("hr").post(
        reverse("calendars:deadlines", args=[PERIOD]),
        {**DEADLINES, "rating_due": "2026-10-01", "appeal_working_days": "0"},
        **EN,
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"appeal_working_days"}
    response = client_for("hr").post(
        reverse("calendars:deadlines", args=[PERIOD]),
        {**DEADLINES, "rating_due": "2026-10-01"},
        **EN,
    )
    assert set(response.context["form"].errors) == {"rating_due"}
    assert not QuarterDeadlines.objects.exists()


def test_a_closed_quarters_deadlines_cannot_change(client_for, fresh_quarter) -> None:
    ReviewCycle.objects.filter(pk=fresh_quarter.pk).update(status=ReviewCycle.Status.CLOSED)
    hr = client_for("hr")
    page = hr.get(reverse("calendars:deadlines", args=[PERIOD]), **EN)
    assert b'data-testid="deadlines-closed"' in page.content
    assert b'data-testid="deadlines-form"' not in page.content
    response = hr.post(reverse("calendars:deadlines", args=[PERIOD]), DEADLINES, **EN)
    assert response.status_code == 409
    assert "2026Q3 is closed" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DEADLINES_CHANGED).exists()


@pytest.mark.parametrize("persona", ["hr", "director", "head"])
def test_the_quarter_page_shows_its_deadlines(client_for, fresh_quarter, persona) -> None:
    today = timezone.localdate()
    QuarterDeadlines.objects.create(
        cycle=fresh_quarter,
        self_assessment_due=today - timedelta(days=1),
        rating_due=today + timedelta(days=10),
    )
    response = client_for(persona).get(reverse("reviews:quarter", args=[PERIOD]), **EN)
    content = response.content.decode()
    assert 'data-testid="quarter-deadlines"' in content
    assert 'data-state="past"' in content and "passed" in content
    assert "in 10 days" in content
    assert 'data-state="unset"' in content  # the approval deadline
    assert "5 working days after approval" in content
    assert ('data-testid="deadlines-link"' in content) == (persona == "hr")


def test_the_quarter_page_says_set_when_no_deadline_is(client_for, fresh_quarter) -> None:
    content = client_for("hr").get(reverse("reviews:quarter", args=[PERIOD]), **EN)
    assert "Set the deadlines" in content.content.decode()
    ReviewCycle.objects.filter(pk=fresh_quarter.pk).update(status=ReviewCycle.Status.CLOSED)
    closed = client_for("hr").get(reverse("reviews:quarter", args=[PERIOD]), **EN)
    assert b'data-testid="deadlines-link"' not in closed.content
