"""The navigation's to-do link (待办) on every page for a signed-in person: the count and, in
words, how many are overdue; kept a short while per person, so that a page sends no query for
it while it is kept, and a fixed number when it is counted again; never failing a page when the
cache is down. The quarter is `api_quarter` (see tests/reviews/selectors/test_todos.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from hrperf.lib.roles import roles_of
from reviews.models import Review
from reviews.selectors import todos
from reviews.selectors.todos import SUMMARY_SECONDS, forget_summary, todo_summary
from tests.helpers.pages import section
from tests.helpers.todos import PERSONAS, fresh, queries_of, set_deadlines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TAG = Template("{% load todos %}{% todo_link %}")


def nav_count(html: str) -> tuple[int, int]:
    found = re.search(r'data-testid="nav-todos" data-count="(\d+)" data-overdue="(\d+)"', html)
    assert found, "no to-do link in the navigation"
    return int(found[1]), int(found[2])


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize(
    "url", ["/dashboard/", "/catalogue/", "/self-assessment/", "/appeals/", "/todos/"]
)
def test_every_page_shows_the_link_with_the_count(api_quarter, client_for, name, url) -> None:
    response = client_for(name).get(url, **EN)
    if response.status_code == 403:
        return  # a page the persona may not see still shows the navigation, tested below
    html = response.content.decode()
    expected = {"hr": 6, "director": 2, "head": 2, "employee": 1, "other_employee": 1}
    assert nav_count(html) == (expected.get(name, 0), 0)
    assert f'href="{reverse("reviews:todos")}"' in section(html, "nav-todos")


def test_a_refused_page_still_shows_the_link(api_quarter, client_for) -> None:
    response = client_for("employee").get("/reports/", **EN)
    assert response.status_code == 403
    assert nav_count(response.content.decode()) == (1, 0)


def test_nobody_signed_in_has_no_link(client_for) -> None:
    html = client_for(None).get(reverse("login")).content.decode()
    assert 'data-testid="nav-todos"' not in html


def test_overdue_work_is_marked_in_words_not_by_colour_alone(api_quarter, client_for) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    set_deadlines(api_quarter.cycle, rating_due=yesterday, approval_due=yesterday)
    html = client_for("director").get("/catalogue/", **EN).content.decode()
    assert nav_count(html) == (2, 2)
    assert "2 overdue" in section(html, "nav-todos-overdue")


def test_the_count_is_kept_so_a_page_sends_no_query_for_it(
    api_quarter, django_assert_num_queries
) -> None:
    counting = queries_of("hr") - 2  # less the roles: every request reads them anyway
    user = fresh("hr")
    roles_of(user)  # as the context processor does before the navigation is drawn
    forget_summary(user)
    with django_assert_num_queries(counting):
        html = TAG.render(Context({"user": user}))
    assert nav_count(html) == (6, 0)
    with django_assert_num_queries(0):
        assert nav_count(TAG.render(Context({"user": user}))) == (6, 0)


def test_the_count_is_short_lived_and_the_full_list_refreshes_it(api_quarter, client_for) -> None:
    client = client_for("director")
    assert nav_count(client.get("/catalogue/").content.decode()) == (2, 0)
    Review.objects.filter(pk=api_quarter.scored.pk).update(state=Review.State.RETURNED)
    # Kept: the count has not changed yet on another page ...
    assert nav_count(client.get("/catalogue/").content.decode()) == (2, 0)
    # ... the to-do page reads the whole list, and keeps its count for every page after.
    assert nav_count(client.get("/todos/").content.decode()) == (1, 0)
    assert nav_count(client.get("/catalogue/").content.decode()) == (1, 0)
    assert 0 < SUMMARY_SECONDS <= 300


def test_a_date_given_does_not_change_the_kept_count(api_quarter) -> None:
    user = fresh("director")
    todos.todos_of(user, today=dt.date(2030, 1, 1))  # a digest's: its count is not kept
    assert todo_summary(user).overdue == 0  # counted for now, and kept
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    set_deadlines(api_quarter.cycle, rating_due=yesterday)
    todos.todos_of(fresh("director"), today=dt.date(2030, 1, 1))
    assert todo_summary(user).overdue == 0  # kept from the first read, made for now


def test_the_link_shows_when_the_cache_is_down(api_quarter, client_for, redis_down) -> None:
    with redis_down():
        response = client_for("director").get("/catalogue/", **EN)
    assert response.status_code == 200
    assert nav_count(response.content.decode()) == (2, 0)
