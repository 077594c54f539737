"""The 9-box on the hand-built quarter of tests/helpers/insight.py: box membership on the
cut-points, counts and shares, what is not scored yet, in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hrperf.lib.roles import roles_of
from reviews import services
from reviews.selectors.ninebox import BOXES, band_of, box_reviews, nine_box
from tests.helpers.insight import BOX_OF, calibration_quarter
from tests.helpers.quarters import scored

D = Decimal


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("0", "low"),
        ("69.99", "low"),
        ("70", "middle"),
        ("70.00", "middle"),
        ("84.99", "middle"),
        ("85", "high"),
        ("85.00", "high"),
        ("120", "high"),
    ],
)
def test_a_score_falls_in_its_band(score: str, band: str) -> None:
    assert band_of(D(score), (D(70), D(85))) == band


@pytest.mark.django_db
def test_reviews_fall_in_their_boxes_on_the_cut_points(
    personas, departments, fresh_quarter, django_assert_num_queries
) -> None:
    calibration_quarter(departments, fresh_quarter)
    roles = roles_of(personas["hr"])
    with django_assert_num_queries(1):
        data = nine_box(viewer_roles=roles, cycle=fresh_quarter)
    assert data.cuts == (D(70), D(85))
    assert (data.scored, data.not_scored) == (5, 1)
    counts = {box.code: box.count for box in data.boxes}
    assert counts == {code: sum(1 for box in BOX_OF.values() if box == code) for code in BOXES}
    shares = {box.code: box.share for box in data.boxes if box.count}
    assert shares == {
        "high-high": D("40.0"),
        "middle-middle": D("20.0"),
        "low-middle": D("20.0"),
        "middle-low": D("20.0"),
    }
    # top row is C high, K low to high
    assert [box.code for box in data.rows[0]] == ["low-high", "middle-high", "high-high"]
    assert [box.code for box in data.rows[2]] == ["low-low", "middle-low", "high-low"]
    assert str(data.rows[0][2].label) == "Star"
    for code in BOXES:
        members = box_reviews(viewer_roles=roles, cycle=fresh_quarter, box=code)
        assert sorted(r.employee.employee_no for r in members) == sorted(
            number for number, box in BOX_OF.items() if box == code
        ), code


@pytest.mark.django_db
def test_other_cut_points_move_the_boundaries(personas, departments, fresh_quarter) -> None:
    calibration_quarter(departments, fresh_quarter)
    roles = roles_of(personas["hr"])
    data = nine_box(viewer_roles=roles, cycle=fresh_quarter, cuts=(D("69.99"), D("84.99")))
    counts = {box.code: box.count for box in data.boxes if box.count}
    # E00001 (69.99, 70.00) middle-middle; E00002 (70.00, 84.99) middle-high;
    # E00003 (84.99, 69.99) high-middle; E00012 and E00010 high-high
    assert counts == {"middle-middle": 1, "middle-high": 1, "high-middle": 1, "high-high": 2}


@pytest.mark.django_db
def test_one_department(personas, departments, fresh_quarter) -> None:
    calibration_quarter(departments, fresh_quarter)
    roles = roles_of(personas["director"])
    market = departments["MARKET"].pk
    data = nine_box(viewer_roles=roles, cycle=fresh_quarter, department_id=market)
    assert (data.scored, data.not_scored) == (2, 1)
    assert {box.code: box.share for box in data.boxes if box.count} == {
        "high-high": D("50.0"),
        "middle-low": D("50.0"),
    }
    members = box_reviews(
        viewer_roles=roles, cycle=fresh_quarter, box="high-high", department_id=market
    )
    assert [r.employee.employee_no for r in members] == ["E00010"]


@pytest.mark.django_db
def test_nothing_scored_yet(personas, fresh_quarter) -> None:
    data = nine_box(viewer_roles=roles_of(personas["hr"]), cycle=fresh_quarter)
    assert (data.scored, data.not_scored) == (0, 3)
    assert all(box.count == 0 and box.share is None for box in data.boxes)


@pytest.mark.django_db
def test_an_approved_review_is_in_its_box(personas, fresh_quarter) -> None:
    review = scored(personas, actual="60", director=5, hr=5)
    review = services.review_approve(actor=personas["director"], review=review)
    assert review.state == "approved"
    assert review.kpi_score is not None and review.competency_score is not None
    code = f"{band_of(review.kpi_score)}-{band_of(review.competency_score)}"
    data = nine_box(viewer_roles=roles_of(personas["hr"]), cycle=fresh_quarter)
    assert (data.scored, data.not_scored) == (1, 2)
    assert {box.code: box.count for box in data.boxes if box.count} == {code: 1}
    members = box_reviews(viewer_roles=roles_of(personas["hr"]), cycle=fresh_quarter, box=code)
    assert [r.pk for r in members] == [review.pk]


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_quarter(
    personas, departments, fresh_quarter, django_assert_num_queries
) -> None:
    roles = roles_of(personas["hr"])
    with django_assert_num_queries(1):
        nine_box(viewer_roles=roles, cycle=fresh_quarter)
    calibration_quarter(departments, fresh_quarter)
    with django_assert_num_queries(1):
        nine_box(viewer_roles=roles, cycle=fresh_quarter)
    with django_assert_num_queries(1):
        list(box_reviews(viewer_roles=roles, cycle=fresh_quarter, box="high-high"))
