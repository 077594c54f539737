"""People by full name and role, never by login name."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hrperf.lib.people import directory, full_name, person

pytestmark = pytest.mark.django_db


def named(user: User, last: str, first: str) -> User:
    user.last_name, user.first_name = last, first
    user.save()
    return User.objects.get(pk=user.pk)


def test_a_chinese_name_is_family_name_first_without_a_space(personas) -> None:
    assert full_name(named(personas["director"], "王", "总")) == "王总"
    assert full_name(named(personas["hr"], "Li", "Mei")) == "Mei Li"


@pytest.mark.parametrize(
    ("persona", "zh", "en"),
    [
        ("director", "王总（营销总监）", "王总 (Marketing director)"),
        ("hr", "人力资源部", "HR"),  # a login without a name: its role, never "hr"
    ],
)
def test_a_person_is_their_name_and_role(personas, persona, zh, en) -> None:
    user = personas[persona]
    if persona == "director":
        user = named(user, "王", "总")
    with translation.override("zh-hans"):
        assert person(user) == zh
    with translation.override("en"):
        assert person(user) == en


def test_an_employee_without_a_name_on_the_login_reads_by_the_roster_name(personas) -> None:
    employee = User.objects.get(pk=personas["employee"].pk)
    with translation.override("en"):
        text = person(employee)
    assert employee.employee.name in text and "Employee" in text
    assert employee.get_username() not in text


def test_nobody_is_empty_and_a_login_with_nothing_else_is_its_name(personas) -> None:
    assert person(None) == ""
    assert person(User.objects.get(pk=personas["outsider"].pk)) == "outsider"


def test_the_directory_names_everyone_in_two_queries(personas) -> None:
    users = [User.objects.get(pk=p.pk) for p in personas.values()] * 3
    with CaptureQueriesContext(connection) as queries:
        names = directory(users)
    assert len(queries) == 2
    assert set(names) == {p.pk for p in personas.values()}
    with CaptureQueriesContext(connection) as queries:
        assert directory([]) == {}
    assert len(queries) == 2  # the same however many: a page's count stays fixed
