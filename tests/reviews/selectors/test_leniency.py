"""The leniency figures on the hand-built quarter of tests/helpers/insight.py: exact means,
population standard deviations, differences and flags, in one query."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hrperf.lib.roles import roles_of
from reviews.selectors.leniency import calibration_departments, figures_of, leniency
from tests.helpers.insight import calibration_quarter

D = Decimal


def _rows(assessor):
    return {
        row.department.code: (
            row.figures.count,
            row.figures.mean,
            row.figures.std_dev,
            row.difference,
            row.flagged,
        )
        for row in assessor.departments
    }


def test_figures_are_exact_from_sums() -> None:
    # 1, 2, 2: mean 5/3 = 1.67, variance 9/3 - 25/9 = 2/9, std-dev 0.4714 → 0.47
    figures = figures_of(count=3, total=5, squares=9)
    assert (figures.mean, figures.std_dev) == (D("1.67"), D("0.47"))
    assert figures_of(count=2, total=8, squares=32).std_dev == D("0.00")
    assert figures_of(count=0, total=0, squares=0).mean is None


@pytest.mark.django_db
def test_each_assessor_by_department_against_the_division(
    personas, departments, fresh_quarter, django_assert_num_queries
) -> None:
    calibration_quarter(departments, fresh_quarter)
    roles = roles_of(personas["hr"])
    with django_assert_num_queries(2):  # the ratings, the departments
        data = leniency(viewer_roles=roles, cycle=fresh_quarter)
    assert data.gap == D("0.50")
    director, hr = data.assessors
    assert director.assessor == "marketing_director"
    assert (director.division.count, director.division.mean, director.division.std_dev) == (
        24,
        D("4.00"),
        D("0.82"),
    )
    # catalogue order: MARKET (seq 1) before SALES (seq 2)
    assert [row.department.code for row in director.departments] == ["MARKET", "SALES"]
    assert _rows(director) == {
        "MARKET": (12, D("3.33"), D("0.47"), D("-0.67"), True),
        "SALES": (12, D("4.67"), D("0.47"), D("0.67"), True),
    }
    assert director.flagged == 2
    # HR: exactly on the gap is not flagged
    assert (hr.division.mean, hr.division.std_dev) == (D("3.50"), D("0.50"))
    assert _rows(hr) == {
        "MARKET": (12, D("3.00"), D("0.00"), D("-0.50"), False),
        "SALES": (12, D("4.00"), D("0.00"), D("0.50"), False),
    }
    assert hr.flagged == 0
    # the self-assessment apart, as advisory
    (own,) = data.advisory
    assert own.advisory and own.assessor == "self"
    assert _rows(own) == {"SALES": (4, D("3.50"), D("1.12"), D("0.00"), False)}
    assert data.ratings == 24 + 24 + 4


@pytest.mark.django_db
def test_a_smaller_gap_flags_what_lies_on_the_default(personas, departments, fresh_quarter) -> None:
    calibration_quarter(departments, fresh_quarter)
    data = leniency(viewer_roles=roles_of(personas["hr"]), cycle=fresh_quarter, gap=D("0.49"))
    assert data.assessors[1].flagged == 2


@pytest.mark.django_db
def test_the_gap_comes_from_the_settings(personas, departments, fresh_quarter, settings) -> None:
    calibration_quarter(departments, fresh_quarter)
    settings.CALIBRATION_LENIENCY_GAP = D("0.70")
    data = leniency(viewer_roles=roles_of(personas["hr"]), cycle=fresh_quarter)
    assert data.gap == D("0.70")
    assert data.assessors[0].flagged == 0


@pytest.mark.django_db
def test_one_department_keeps_the_divisions_mean(personas, departments, fresh_quarter) -> None:
    calibration_quarter(departments, fresh_quarter)
    data = leniency(
        viewer_roles=roles_of(personas["director"]),
        cycle=fresh_quarter,
        department_id=departments["SALES"].pk,
    )
    director = data.assessors[0]
    assert director.division.mean == D("4.00")
    assert _rows(director) == {"SALES": (12, D("4.67"), D("0.47"), D("0.67"), True)}


@pytest.mark.django_db
def test_without_ratings_both_assessors_are_listed_empty(personas, fresh_quarter) -> None:
    data = leniency(viewer_roles=roles_of(personas["hr"]), cycle=fresh_quarter)
    assert [row.assessor for row in data.assessors] == ["marketing_director", "hr"]
    assert all(row.division.count == 0 and not row.departments for row in data.assessors)
    assert data.advisory == []


@pytest.mark.django_db
def test_a_head_counts_nothing_outside_what_they_see(personas, departments, fresh_quarter) -> None:
    calibration_quarter(departments, fresh_quarter)
    data = leniency(viewer_roles=roles_of(personas["head"]), cycle=fresh_quarter)
    # the head sees their department's reviews but their own: E00002 and E00012
    assert [row.department.code for row in data.assessors[0].departments] == ["SALES"]
    assert data.assessors[0].division.count == 8
    assert leniency(viewer_roles=roles_of(personas["outsider"]), cycle=fresh_quarter).ratings == 0


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_quarter(
    personas, departments, fresh_quarter, django_assert_num_queries
) -> None:
    roles, head = roles_of(personas["hr"]), roles_of(personas["head"])
    with django_assert_num_queries(2):
        leniency(viewer_roles=roles, cycle=fresh_quarter)
    calibration_quarter(departments, fresh_quarter)
    with django_assert_num_queries(1):
        known = calibration_departments()
    with django_assert_num_queries(1):  # the departments given
        leniency(
            viewer_roles=roles,
            cycle=fresh_quarter,
            department_id=departments["MARKET"].pk,
            departments=known,
        )
    with django_assert_num_queries(1):  # a viewer who sees some reviews only
        leniency(viewer_roles=head, cycle=fresh_quarter, departments=known)
