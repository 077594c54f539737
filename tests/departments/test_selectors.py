"""Reads of the roster: a head sees their own department only."""

from __future__ import annotations

from departments.models import Department
from departments.selectors import employee_list
from hrperf.lib.roles import roles_of


def test_the_roster_read_gives_a_head_nothing_of_another_department(
    personas, departments: dict[str, Department]
) -> None:
    head = roles_of(personas["head"])
    market = departments["MARKET"].pk
    assert list(employee_list(viewer_roles=head, department_id=market)) == []
    outsider = roles_of(personas["outsider"])
    assert list(employee_list(viewer_roles=outsider)) == []
