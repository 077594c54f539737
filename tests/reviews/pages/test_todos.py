"""The to-do page (/todos/): every persona's own list, overdue first and marked in words, with
deadline, count and link; the overdue work by department and kind for HR and the director (the
division) and a head (their department), never for an employee; a fixed number of queries. The
quarter is `api_quarter` (see tests/reviews/selectors/test_todos.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers.pages import has, section
from tests.helpers.todos import PERSONAS, more_reviews, set_deadlines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = "/todos/"


def page(client_for, name: str) -> str:
    response = client_for(name).get(URL, **EN)
    assert response.status_code == 200
    return response.content.decode()


def kinds(html: str) -> list[str]:
    return re.findall(r'<li data-kind="(\w+)"', section(html, "todos"))


def overdue_rows(html: str) -> set[tuple[str, str]]:
    return set(re.findall(r'data-testid="overdue-(\w+)-(\w+)"', section(html, "overdue-work")))


@pytest.fixture
def late(api_quarter) -> None:
    """The quarter's rating deadline passed yesterday; the others are a month away."""
    today = timezone.localdate()
    set_deadlines(
        api_quarter.cycle,
        self_assessment_due=today + dt.timedelta(days=30),
        rating_due=today - dt.timedelta(days=1),
        approval_due=today + dt.timedelta(days=30),
    )


def test_the_page_is_at_its_address() -> None:
    assert reverse("reviews:todos") == URL


@pytest.mark.parametrize("name", PERSONAS)
def test_every_signed_in_person_sees_their_own_list(api_quarter, client_for, name) -> None:
    expected = {
        "hr": {"ready", "incomplete", "hr_ratings", "acknowledge_verbal_warning"},
        "director": {"to_approve", "director_ratings"},
        "head": {"self_assess", "hold_conversation"},
        "employee": {"confirm_result"},
        "other_employee": {"self_assess"},
        "outsider": set(),
    }
    html = page(client_for, name)
    assert expected[name] <= set(kinds(html))
    if name == "outsider":
        assert has(html, "no-role")


def test_someone_not_signed_in_is_sent_to_log_in(client_for) -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_overdue_work_comes_first_and_is_marked_in_words(late, client_for) -> None:
    html = page(client_for, "director")
    assert kinds(html) == ["director_ratings", "to_approve"]
    todo = section(html, "todos")
    first, second = re.findall(r"<li .*?</li>", todo, re.S)
    assert 'class="overdue"' in first and "Overdue" in first
    assert 'class="overdue"' not in second and "Overdue" not in second
    assert '<span class="count">1</span>' in first
    assert 'datetime="' in first and 'href="/quarters/2026Q3/reviews/?' in first
    summary = section(html, "todo-summary")
    assert "2 items wait for you" in summary and "1 of them overdue" in summary


def test_an_empty_list_says_so(api_quarter, personas, client_for) -> None:
    assert has(page(client_for, "outsider"), "no-role")
    html = client_for("other_employee").get(URL).content.decode()  # in Chinese, by default
    assert "填写自评" in section(html, "todos")


@pytest.mark.parametrize("name", ["hr", "director"])
def test_hr_and_the_director_see_the_divisions_overdue_work(late, client_for, name) -> None:
    html = page(client_for, name)
    assert overdue_rows(html) == {
        ("MARKET", "director_ratings"),
        ("MARKET", "hr_ratings"),
        ("MARKET", "incomplete"),
    }
    assert "Overdue work across the division" in html
    row = section(html, "overdue-MARKET-hr_ratings")
    assert 'href="/quarters/2026Q3/reviews/?department=' in row
    assert "Marketing Department" in row


def test_a_head_sees_their_departments_overdue_work_only(late, api_quarter, client_for) -> None:
    set_deadlines(api_quarter.cycle, approval_due=timezone.localdate() - dt.timedelta(days=1))
    html = page(client_for, "head")
    # Not the head's own review (the complete draft): on it they are an employee.
    assert overdue_rows(html) == {("SALES", "to_approve")}
    assert "Overdue work in your department" in html


@pytest.mark.parametrize("name", ["employee", "other_employee", "outsider"])
def test_an_employee_never_sees_the_overdue_work(late, client_for, name) -> None:
    assert not has(page(client_for, name), "overdue-work")


def test_nothing_overdue_is_said_in_words(api_quarter, client_for) -> None:
    assert has(page(client_for, "director"), "nothing-overdue")


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["hr", "director", "head", "employee"])
def test_the_page_sends_as_many_queries_whatever_the_number_of_reviews(
    late, personas, departments, client_for, name
) -> None:
    more_reviews(personas, departments, 1)  # a second open quarter
    client = client_for(name)
    before = count_queries(client, URL)
    more_reviews(personas, departments, 4, start=1)
    assert count_queries(client, URL) == before
