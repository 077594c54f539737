"""The calibration page (reviews.pages.calibration): who may open it, the distribution of each
department and of the division against the guideline with its breaches marked, the director's
lock with its reason, and a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.models import AuditEvent, CalibrationLock, Review, ScoringPolicy
from tests.helpers.pages import section
from tests.helpers.quarters import scored

URL = "/quarters/2026Q3/calibration/"
LOCK_URL = "/quarters/2026Q3/calibration/locks"


def relative(cycle, **settings):
    ScoringPolicy.objects.filter(cycle=cycle).update(
        grading="relative", relative_min_group=1, **settings
    )


def two_scored(personas):
    scored(personas, actual="90", director=5, hr=5, name="head")  # 92.00, A
    scored(personas, actual="70", director=3, hr=3)  # 68.00, C


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 403),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_only_hr_and_the_director_open_it(fresh_quarter, client_for, persona, status):
    assert client_for(persona).get(URL).status_code == status


def test_an_anonymous_visitor_signs_in_first(fresh_quarter, client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_quarter_is_404(fresh_quarter, client_for):
    assert client_for("director").get("/quarters/2031Q1/calibration/").status_code == 404


def test_reverse_names_the_page():
    assert reverse("reviews:calibration", kwargs={"period": "2026Q3"}) == URL


def test_the_distribution_of_each_group_against_the_guideline(
    fresh_quarter, personas, departments, client_for
):
    ScoringPolicy.objects.filter(cycle=fresh_quarter).update(max_share_c=40)
    two_scored(personas)
    response = client_for("hr").get(URL)
    page = response.content.decode()
    sales = departments["SALES"].pk
    overview = response.context["overview"]
    sales_group = next(g for g in overview.departments if g.department.pk == sales)
    shares = {row.grade: row for row in sales_group.shares}
    a_share = shares["A"]
    assert (a_share.count, a_share.share, a_share.guideline) == (1, Decimal("50.00"), 20)
    assert shares["A"].off_guideline and not shares["A"].beyond_limit
    assert shares["C"].beyond_limit  # 50 % > 40 %
    assert (sales_group.size, sales_group.graded, sales_group.unscored) == (2, 2, 0)
    division = overview.division
    assert (division.size, division.graded, division.unscored) == (3, 2, 1)  # MARKET's draft
    assert 'data-testid="group-beyond"' in page
    assert f"?department={sales}&amp;grade=A" in page
    assert 'data-testid="lock-dialog"' not in page  # absolute grading: nothing to lock


def test_the_director_locks_a_group_with_a_reason(fresh_quarter, personas, departments, client_for):
    relative(fresh_quarter)
    two_scored(personas)
    client = client_for("director")
    key = f"department:{departments['SALES'].pk}"
    page = client.get(URL).content.decode()
    assert page.count('data-testid="lock-dialog"') == 1  # SALES; the division is not ranked
    assert "provisional" in page
    refused = client.post(LOCK_URL, {"group": key, "reason": " "})
    assert refused.status_code == 400
    assert not CalibrationLock.objects.exists()
    response = client.post(LOCK_URL, {"group": key, "reason": "校准会议结论"})
    assert response.status_code == 302
    lock = CalibrationLock.objects.get()
    assert (lock.group, lock.reason, lock.locked_by) == (key, "校准会议结论", personas["director"])
    assert Review.objects.get(employee__user=personas["employee"]).grade == "B"
    page = client.get(URL).content.decode()
    assert 'data-testid="lock-info"' in page and "校准会议结论" in page
    # The director by role (the login has no name), never by login name; a Chinese colon.
    assert "由 营销总监 于" in section(page, "lock-info")
    assert "锁定：校准会议结论" in section(page, "lock-info")
    again = client.post(LOCK_URL, {"group": key, "reason": "again"})
    assert again.status_code == 409
    assert AuditEvent.objects.filter(action="group_locked").count() == 1


def test_hr_sees_the_page_but_cannot_lock(fresh_quarter, personas, departments, client_for):
    relative(fresh_quarter)
    two_scored(personas)
    client = client_for("hr")
    assert 'data-testid="lock-dialog"' not in client.get(URL).content.decode()
    key = f"department:{departments['SALES'].pk}"
    assert client.post(LOCK_URL, {"group": key, "reason": "x"}).status_code == 403
    assert client_for("head").post(LOCK_URL, {"group": key, "reason": "x"}).status_code == 403
    assert not CalibrationLock.objects.exists()


def test_a_group_with_a_review_not_scored_waits(fresh_quarter, personas, departments, client_for):
    relative(fresh_quarter)
    scored(personas, actual="90", director=5, hr=5, name="head")
    page = client_for("director").get(URL).content.decode()
    assert 'data-testid="lock-waits"' in page
    key = f"department:{departments['SALES'].pk}"
    response = client_for("director").post(
        LOCK_URL, {"group": key, "reason": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "not scored" in response.content.decode()


def test_an_unknown_group_is_refused(fresh_quarter, client_for):
    relative(fresh_quarter)
    assert client_for("director").post(LOCK_URL, {"group": "x", "reason": "x"}).status_code == 400


def test_a_fixed_number_of_queries(
    fresh_quarter, personas, departments, client_for, django_assert_num_queries
):
    client = client_for("director")
    client.get(URL)  # the session, warmed
    with django_assert_num_queries(QUERIES):
        client.get(URL)
    relative(fresh_quarter)
    two_scored(personas)
    with django_assert_num_queries(QUERIES):
        client.get(URL)


QUERIES = 9
