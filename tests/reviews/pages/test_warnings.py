"""The list of verbal warnings: who sees which, HR's acknowledgement with a note of the
conversation held, bad input, filters, pagination and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Employee
from reviews import services
from reviews.models import Review, VerbalWarning
from tests.helpers.pages import generate_now, submit_and_score

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
WARNINGS = "/warnings/"
NOTE = "已于 10 月 9 日进行绩效面谈，制定了改进计划，下季度跟进。"


def ack_url(warning: VerbalWarning) -> str:
    return reverse("reviews:warning_acknowledge", args=[warning.pk])


@pytest.fixture
def warned(page_quarter, personas) -> VerbalWarning:
    """E00003 (MARKET) scored 50.00, below the threshold of 60: the worker's warning."""
    review = submit_and_score(personas, page_quarter.reviews["E00003"])
    return VerbalWarning.objects.get(review=review)


@pytest.fixture
def sales_warning(page_quarter) -> VerbalWarning:
    """A warning in the head's own department (made directly: the figures do not matter)."""
    return VerbalWarning.objects.create(
        review=page_quarter.reviews["E00002"], review_version=1, total_score=Decimal("55.50")
    )


def test_url_is_the_one_the_browser_test_uses():
    assert reverse("reviews:warnings") == WARNINGS


# -- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "rows", "forms"),
    [
        ("hr", 200, {"E00002", "E00003"}, True),
        ("director", 200, {"E00002", "E00003"}, False),
        ("head", 200, {"E00002"}, False),
        ("employee", 403, set(), False),
        ("other_employee", 403, set(), False),
        ("outsider", 403, set(), False),
    ],
)
def test_who_sees_which_warnings(warned, sales_warning, client_for, persona, status, rows, forms):
    response = client_for(persona).get(WARNINGS, **EN)
    assert response.status_code == status
    html = response.content.decode()
    for number in ("E00002", "E00003"):
        assert (f'data-testid="warning-row-{number}"' in html) == (number in rows), number
        assert (f'data-testid="acknowledge-{number}"' in html) == (forms and number in rows)
        assert (f'data-testid="note-{number}"' in html) == (forms and number in rows)


def test_a_head_does_not_see_the_warning_on_their_own_review_before_approval(
    page_quarter, sales_warning, client_for
):
    VerbalWarning.objects.create(
        review=page_quarter.reviews["E00001"], review_version=1, total_score=Decimal("52.00")
    )
    html = client_for("head").get(WARNINGS, **EN).content.decode()
    assert 'data-testid="warning-row-E00002"' in html
    assert 'data-testid="warning-row-E00001"' not in html
    assert 'data-testid="warning-row-E00001"' in client_for("hr").get(WARNINGS).content.decode()


def test_anonymous_goes_to_login(warned):
    for response in (Client().get(WARNINGS), Client().post(ack_url(warned), {"note": NOTE})):
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_a_row_shows_score_threshold_and_date(warned, client_for):
    html = client_for("director").get(WARNINGS, **EN).content.decode()
    row = html[html.index('data-testid="warning-row-E00003"') :]
    row = row[: row.index("</tr>")]
    assert "50.00" in row and "60.00" in row and "李娜" in row
    assert warned.created_at.strftime("%Y-")[:5] in row
    assert "Not yet" in row


# -- acknowledging ---------------------------------------------------------------------------


def test_hr_acknowledges_with_a_note(warned, personas, client_for):
    client = client_for("hr")
    response = client.post(ack_url(warned), {"note": NOTE, "query": "acknowledged=no"}, **EN)
    assert response.status_code == 302
    assert response["Location"] == f"{WARNINGS}?acknowledged=no"
    warned.refresh_from_db()
    assert warned.acknowledged_at is not None
    assert warned.acknowledged_by == personas["hr"]
    assert warned.note == NOTE
    assert warned.review.events.filter(action="warning_acknowledged").count() == 1
    html = client.get(WARNINGS, **EN).content.decode()
    assert "warning acknowledged." in html
    assert NOTE in html and 'data-testid="acknowledge-E00003"' not in html
    assert 'data-acknowledged="yes"' in html


@pytest.mark.parametrize("note", ["", "   \n "])
def test_an_empty_note_saves_nothing(warned, client_for, note):
    response = client_for("hr").post(ack_url(warned), {"note": note}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write a note of the conversation held." in html and "E00003" in html
    warned.refresh_from_db()
    assert warned.acknowledged_at is None and warned.note == ""


def test_a_missing_note_saves_nothing(warned, client_for):
    assert client_for("hr").post(ack_url(warned), {}, **EN).status_code == 400
    warned.refresh_from_db()
    assert warned.acknowledged_at is None


def test_the_empty_note_message_is_in_chinese_by_default(warned, client_for):
    response = client_for("hr").post(ack_url(warned), {"note": ""})
    assert response.status_code == 400
    assert "Write a note of the conversation held." not in response.content.decode()


def test_a_too_long_note_is_refused_and_kept(warned, client_for):
    note = "谈" * 5001
    response = client_for("hr").post(ack_url(warned), {"note": note}, **EN)
    assert response.status_code == 400
    assert note in response.content.decode()
    warned.refresh_from_db()
    assert warned.acknowledged_at is None


def test_acknowledging_twice_is_refused_and_keeps_the_note(warned, client_for):
    client = client_for("hr")
    assert client.post(ack_url(warned), {"note": NOTE}).status_code == 302
    response = client.post(ack_url(warned), {"note": "另一条记录"}, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert "already acknowledged" in html and "另一条记录" in html
    warned.refresh_from_db()
    assert warned.note == NOTE


@pytest.mark.parametrize("persona", ["director", "head", "employee", "other_employee", "outsider"])
def test_only_hr_may_acknowledge(warned, sales_warning, client_for, persona):
    client = client_for(persona)
    for warning in (warned, sales_warning):
        assert client.post(ack_url(warning), {"note": NOTE}).status_code == 403
        warning.refresh_from_db()
        assert warning.acknowledged_at is None


def test_acknowledging_an_unknown_warning_is_a_404(warned, client_for):
    client = client_for("hr")
    assert client.post("/warnings/999999/acknowledge/", {"note": NOTE}).status_code == 404
    assert client.post("/warnings/abc/acknowledge/", {"note": NOTE}).status_code == 404


def test_acknowledging_refuses_get(warned, client_for):
    assert client_for("hr").get(ack_url(warned)).status_code == 405
    assert client_for("hr").post(WARNINGS, {"note": NOTE}).status_code == 405


# -- filters, quarters, pagination, queries --------------------------------------------------


def test_filter_acknowledged(warned, sales_warning, personas, client_for):
    services.warning_acknowledge(actor=personas["hr"], warning=sales_warning, note=NOTE)
    client = client_for("hr")
    html = client.get(WARNINGS, {"acknowledged": "yes"}).content.decode()
    assert "warning-row-E00002" in html and "warning-row-E00003" not in html
    html = client.get(WARNINGS, {"acknowledged": "no"}).content.decode()
    assert "warning-row-E00003" in html and "warning-row-E00002" not in html


@pytest.mark.parametrize(
    ("params", "field"),
    [({"acknowledged": "perhaps"}, "Acknowledged"), ({"period": "2020Q9"}, "Quarter")],
)
def test_bad_filters_say_which_field(warned, client_for, params, field):
    response = client_for("hr").get(WARNINGS, params, **EN)
    assert response.status_code == 400
    assert f"<p>{field}: " in response.content.decode()


def test_newest_quarter_by_default(warned, personas, client_for):
    services.cycle_open(actor=personas["hr"], period="2026Q4")
    client = client_for("hr")
    html = client.get(WARNINGS, **EN).content.decode()
    assert "2026Q4" in html and "warning-row-E00003" not in html
    html = client.get(WARNINGS, {"period": "2026q3"}, **EN).content.decode()
    assert "warning-row-E00003" in html


def test_no_quarter_yet(personas, client_for):
    response = client_for("hr").get(WARNINGS)
    assert response.status_code == 200
    assert "warnings-no-quarter" in response.content.decode()


def _many_warnings(page_quarter, departments, count: int) -> None:
    for number in range(100, 100 + count):
        Employee.objects.create(
            employee_no=f"E{number:05d}", name=f"员工{number}", department=departments["SALES"]
        )
    generate_now(page_quarter.cycle)
    VerbalWarning.objects.bulk_create(
        VerbalWarning(review=review, review_version=1, total_score=Decimal("42.00"))
        for review in Review.objects.filter(
            cycle=page_quarter.cycle, employee__employee_no__gte="E00100"
        )
    )


def test_pagination_keeps_the_filter(page_quarter, departments, client_for):
    _many_warnings(page_quarter, departments, 60)
    client = client_for("hr")
    html = client.get(WARNINGS, {"acknowledged": "no"}).content.decode()
    assert html.count('data-testid="warning-row-') == 50
    assert "acknowledged=no&amp;page=2" in html
    html = client.get(WARNINGS, {"acknowledged": "no", "page": 2}).content.decode()
    assert html.count('data-testid="warning-row-') == 10


WARNING_QUERIES = 10  # however many warnings (and their conversations, and who acknowledged)


@pytest.mark.parametrize("persona", ["hr", "head"])
def test_the_list_runs_a_fixed_number_of_queries(
    warned, sales_warning, page_quarter, departments, personas, client_for, persona
):
    services.warning_acknowledge(actor=personas["hr"], warning=sales_warning, note=NOTE)
    client = client_for(persona)
    client.get(WARNINGS)
    with CaptureQueriesContext(connection) as few:
        assert client.get(WARNINGS).status_code == 200
    _many_warnings(page_quarter, departments, 60)
    with CaptureQueriesContext(connection) as many:
        assert client.get(WARNINGS).status_code == 200
    assert len(few) == len(many) == WARNING_QUERIES, [q["sql"][:80] for q in many.captured_queries]


def test_a_refused_htmx_post_keeps_the_address_of_the_page(warned, client_for):
    response = client_for("hr").post(ack_url(warned), {"note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["HX-Push-Url"] == "false"


def test_htmx_gets_the_page_at_once_after_acknowledging(warned, client_for):
    response = client_for("hr").post(ack_url(warned), {"note": NOTE}, HTTP_HX_REQUEST="true", **EN)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == WARNINGS
    assert "warning acknowledged." in response.content.decode()
