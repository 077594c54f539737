"""The dashboard's to-do list (待办): every role's work from every part of the product, each
with its deadline, overdue first (`todos_of`), and a link to the to-do page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calendars.models import QuarterDeadlines
from tests.helpers.pages import section, submit_and_score

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def kinds(html: str) -> list[str]:
    return re.findall(r'<li data-kind="(\w+)"', section(html, "todos"))


def overdue_kinds(html: str) -> set[str]:
    return set(re.findall(r'<li data-kind="(\w+)" class="overdue"', section(html, "todos")))


def set_deadlines(cycle, **dates: date) -> None:
    QuarterDeadlines.objects.update_or_create(cycle=cycle, defaults=dates)


def test_the_employee_is_asked_for_their_self_assessment_by_its_deadline(page_quarter, client_for):
    due = timezone.localdate() + timedelta(days=10)
    set_deadlines(page_quarter.cycle, self_assessment_due=due)
    html = client_for("employee").get(reverse("reviews:dashboard"), **EN).content.decode()
    todo = section(html, "todos")
    assert kinds(html) == ["self_assess"]
    review = page_quarter.reviews["E00002"]  # the employee persona
    assert f'href="{reverse("selfassessments:edit", args=[review.pk])}"' in todo
    assert f'datetime="{due:%Y-%m-%d}"' in todo
    assert overdue_kinds(html) == set()


def test_a_missed_deadline_makes_the_item_overdue_and_puts_it_first(
    page_quarter, personas, client_for
):
    yesterday = timezone.localdate() - timedelta(days=1)
    set_deadlines(page_quarter.cycle, rating_due=yesterday, approval_due=yesterday)
    submit_and_score(personas, page_quarter.reviews["E00003"])
    html = client_for("director").get(reverse("reviews:dashboard"), **EN).content.decode()
    found = kinds(html)
    assert set(found) >= {"to_approve", "director_ratings"}
    assert overdue_kinds(html) >= {"to_approve", "director_ratings"}
    # Overdue work comes before anything not yet due.
    flags = [kind in overdue_kinds(html) for kind in found]
    assert flags == sorted(flags, reverse=True)


def test_hr_is_asked_to_set_the_deadlines_of_an_open_quarter(page_quarter, client_for):
    html = client_for("hr").get(reverse("reviews:dashboard"), **EN).content.decode()
    assert "set_deadlines" in kinds(html)
    set_deadlines(page_quarter.cycle, self_assessment_due=timezone.localdate())
    html = client_for("hr").get(reverse("reviews:dashboard"), **EN).content.decode()
    assert "set_deadlines" not in kinds(html)


def test_someone_without_a_role_has_no_list(page_quarter, client_for):
    html = client_for("outsider").get(reverse("reviews:dashboard"), **EN).content.decode()
    assert 'data-testid="todos"' not in html
    assert 'data-testid="no-role"' in html


def test_an_employee_with_nothing_to_do_is_told_so(page_quarter, personas, client_for):
    # E00003's review is submitted: nothing is left for them to self-assess.
    submit_and_score(personas, page_quarter.reviews["E00003"])
    html = client_for("other_employee").get(reverse("reviews:dashboard"), **EN).content.decode()
    assert kinds(html) == []
    assert 'data-testid="nothing-to-do"' in section(html, "todos")


def test_hr_sees_the_unacknowledged_verbal_warnings_linked_to_the_filtered_list(
    page_quarter, personas, client_for
):
    review = submit_and_score(personas, page_quarter.reviews["E00003"])  # below the threshold
    assert review.verbal_warning
    html = client_for("hr").get(reverse("reviews:dashboard"), **EN).content.decode()
    assert "acknowledge_verbal_warning" in kinds(html)
    todo = section(html, "todos")
    assert 'href="/warnings/?period=2026Q3&amp;acknowledged=no"' in todo
    assert "Acknowledge verbal warnings of 2026Q3" in todo
    listed = client_for("hr").get("/warnings/?period=2026Q3&acknowledged=no", **EN)
    assert 'data-testid="warning-row-E00003"' in listed.content.decode()
    director = client_for("director").get(reverse("reviews:dashboard"), **EN).content.decode()
    assert "acknowledge_verbal_warning" not in kinds(director)


def test_the_list_links_to_the_to_do_page(page_quarter, client_for):
    html = client_for("employee").get(reverse("reviews:dashboard"), **EN).content.decode()
    assert f'href="{reverse("reviews:todos")}" data-testid="all-todos"' in section(html, "todos")
