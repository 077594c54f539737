"""Reading self-assessments (selfassessments/selectors.py): who sees which, whether it may
still change, the employee's open ones and to-dos."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from calendars.models import QuarterDeadlines
from departments.models import Competency, CompetencyLevel
from hrperf.lib.roles import roles_of
from reviews.models import Review, ReviewCycle
from selfassessments import selectors
from selfassessments.models import SelfAssessment

SHANGHAI = ZoneInfo("Asia/Shanghai")
DRAFT_SEEN = {
    "hr": True,
    "director": False,
    "head": True,
    "employee": True,
    "other_employee": False,
    "outsider": False,
}


@pytest.mark.parametrize(("who", "sees"), DRAFT_SEEN.items())
def test_a_draft_is_seen_by_all_who_see_the_review_but_the_director(
    personas, self_quarter, who, sees
) -> None:
    review = self_quarter.reviews["employee"]
    SelfAssessment.objects.create(review=review)
    found = selectors.review_of(viewer_roles=roles_of(personas[who]), review_id=review.pk)
    assert (found == review) is sees


@pytest.mark.parametrize(("who", "sees"), {**DRAFT_SEEN, "director": True}.items())
def test_a_submitted_one_is_seen_by_the_director_too(personas, self_quarter, who, sees) -> None:
    review = self_quarter.reviews["employee"]
    SelfAssessment.objects.create(review=review, state=SelfAssessment.State.SUBMITTED)
    found = selectors.review_of(viewer_roles=roles_of(personas[who]), review_id=review.pk)
    assert (found == review) is sees


def test_the_head_does_not_see_another_departments(personas, self_quarter) -> None:
    review = self_quarter.reviews["other_employee"]
    assert selectors.review_of(viewer_roles=roles_of(personas["head"]), review_id=review.pk) is None


def test_own_review_is_only_the_viewers_own(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    for who in ("hr", "director", "head", "other_employee", "outsider"):
        roles = roles_of(personas[who])
        assert selectors.own_review(viewer_roles=roles, review_id=review.pk) is None
    roles = roles_of(personas["employee"])
    assert selectors.own_review(viewer_roles=roles, review_id=review.pk) == review


def test_the_view_of_a_review_never_self_assessed_is_an_empty_draft(
    personas, self_quarter, django_assert_max_num_queries
) -> None:
    review = self_quarter.reviews["employee"]
    with django_assert_max_num_queries(6):
        view = selectors.self_assessment_view(review=review)
    assert view.state == "draft"
    assert view.editable
    assert not view.missed
    assert view.due == date(2099, 12, 31)
    assert [row.line.code for row in view.lines] == ["SALES_PLAN_RATE"]
    assert len(view.ratings) == 4
    assert [level for level, _text in view.ratings[0].levels] == [1, 2, 3, 4, 5]


def test_each_competency_shows_the_catalogues_level_texts(personas, self_quarter) -> None:
    competency = Competency.objects.order_by("order")[0]
    CompetencyLevel.objects.create(
        competency=competency, level=3, text_zh="稳定表现", text_en="Shows it steadily"
    )
    view = selectors.self_assessment_view(review=self_quarter.reviews["employee"])
    texts = dict(view.ratings[0].levels)
    assert texts[3] in ("稳定表现", "Shows it steadily")
    assert texts[1] == str(selectors.LEVELS[0][1])  # the scale's own where the catalogue has none


def test_a_missed_deadline_is_not_self_assessed(personas, self_quarter) -> None:
    self_quarter.deadlines.self_assessment_due = date(2026, 10, 10)
    self_quarter.deadlines.save()
    review = self_quarter.reviews["employee"]
    late = datetime(2026, 10, 11, 0, 0, tzinfo=SHANGHAI)
    view = selectors.self_assessment_view(review=review, now=late)
    assert view.missed
    assert view.closed is not None and view.closed.code == "deadline_passed"
    on_time = datetime(2026, 10, 10, 12, 0, tzinfo=SHANGHAI)
    assert not selectors.self_assessment_view(review=review, now=on_time).missed


def test_the_employees_open_reviews(personas, self_quarter, django_assert_num_queries) -> None:
    roles = roles_of(personas["employee"])
    with django_assert_num_queries(3):
        rows = selectors.open_reviews(viewer_roles=roles)
    assert [row.review for row in rows] == [self_quarter.reviews["employee"]]
    assert rows[0].due == date(2099, 12, 31)
    Review.objects.filter(pk=self_quarter.reviews["employee"].pk).update(
        state=Review.State.SUBMITTED
    )
    assert selectors.open_reviews(viewer_roles=roles) == []


def test_no_open_reviews_in_a_closed_quarter(personas, self_quarter) -> None:
    ReviewCycle.objects.filter(pk=self_quarter.cycle.pk).update(status=ReviewCycle.Status.CLOSED)
    assert selectors.open_reviews(viewer_roles=roles_of(personas["employee"])) == []


@pytest.mark.parametrize("who", ["hr", "director", "outsider"])
def test_no_todos_for_those_without_a_review(personas, self_quarter, who) -> None:
    user = personas[who]
    assert selectors.todos(viewer_roles=roles_of(user), user=user) == []


def test_the_employees_todo(personas, self_quarter, django_assert_num_queries) -> None:
    user = personas["employee"]
    review = self_quarter.reviews["employee"]
    roles = roles_of(user)
    with django_assert_num_queries(3):
        todos = selectors.todos(viewer_roles=roles, user=user)
    assert len(todos) == 1
    todo = todos[0]
    assert (todo.kind, todo.count, todo.due, todo.overdue) == (
        "self_assess",
        1,
        date(2099, 12, 31),
        False,
    )
    assert todo.url == f"/self-assessment/{review.pk}/"
    # Past its deadline it can no longer be done: it is not self-assessed, and off the list.
    late = datetime(2100, 1, 1, 0, 0, tzinfo=SHANGHAI)
    assert selectors.todos(viewer_roles=roles_of(user), user=user, now=late) == []
    SelfAssessment.objects.create(review=review, state=SelfAssessment.State.SUBMITTED)
    assert selectors.todos(viewer_roles=roles_of(user), user=user) == []


def test_a_quarter_without_a_deadline_has_a_todo_without_a_due_date(personas, self_quarter) -> None:
    QuarterDeadlines.objects.all().delete()
    user = personas["employee"]
    todo = selectors.todos(viewer_roles=roles_of(user), user=user)[0]
    assert todo.due is None
    assert not todo.overdue


def test_the_panel_hides_a_draft_from_the_director(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    SelfAssessment.objects.create(review=review, summary="draft")
    assert selectors.panel(viewer_roles=roles_of(personas["director"]), review=review) is None
    view = selectors.panel(viewer_roles=roles_of(personas["hr"]), review=review)
    assert view is not None and view.summary == "draft"
