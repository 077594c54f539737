"""The reports (department trend, grades, training and promotion lists) and their workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from reviews import scoring, services
from reviews.models import ApprovedResult, Review, ReviewCycle
from reviews.selectors import visibility
from tests.helpers.examples import COMPETENCY_CODES
from tests.helpers.pages import (
    EXAMPLES,
    PERIOD,
    approve,
    figures,
    generate_now,
    has,
    section,
    submit_and_score,
)
from tests.helpers.todos import keep_todo_count

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
URLS = ["reviews:reports", "reviews:reports_export"]
# Every SALES figure beats its target by far, and both assessors rate 5: grade S.
S_FIGURES = {
    "SALES_PLAN_RATE": {"target": "100", "actual": "130", "weight": "30"},
    "SALES_REVENUE": {"target": "5000000", "actual": "6500000", "weight": "30"},
    "SALES_EXPENSE_RATIO": {"target": "8", "actual": "6", "weight": "20"},
    "SALES_COLLECTION_RATE": {"target": "95", "actual": "99", "weight": "20"},
}


def url(name: str, period: str | None = None) -> str:
    return reverse(name) + (f"?period={period}" if period else "")


def approve_with(
    personas: Mapping[str, User],
    review: Review,
    lines: Mapping[str, Mapping[str, str]],
    rating: int = 5,
) -> Review:
    """Fill the review with these figures and ratings, submit, score and approve it."""
    ids = {line.code: line.pk for line in review.kpi_lines.all()}
    review = services.review_set_figures(
        actor=personas["hr"], review=review, figures={ids[code]: v for code, v in lines.items()}
    )
    for role, actor in (("marketing_director", "director"), ("hr", "hr")):
        review = services.review_rate(
            actor=personas[actor],
            review=review,
            assessor_role=role,
            ratings=dict.fromkeys(COMPETENCY_CODES, rating),
        )
    review = services.review_submit(actor=personas["hr"], review=review)
    services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return services.review_approve(actor=personas["director"], review=review)


def quarter(personas: Mapping[str, User], period: str) -> ReviewCycle:
    cycle = services.cycle_open(actor=personas["hr"], period=period)
    generate_now(cycle)
    return cycle


def review_of(cycle: ReviewCycle, number: str) -> Review:
    return Review.objects.get(cycle=cycle, employee__employee_no=number)


@pytest.fixture
def approved_quarter(page_quarter, personas):
    """2026Q3 with the four worked examples approved (A, C, D, C); E00001 a draft."""
    for number in ("E00002", "E00003", "E00004", "E00005"):
        approve(personas, page_quarter.reviews[number])
    page_quarter.refresh()
    return page_quarter


# -- who may open them -----------------------------------------------------------------------


@pytest.mark.parametrize("name", URLS)
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
def test_only_hr_and_the_director_see_the_reports(
    approved_quarter, client_for, name, persona, status
):
    response = client_for(persona).get(url(name))
    assert response.status_code == status
    if status == 403:
        assert "92.04" not in response.content.decode(errors="replace")


@pytest.mark.parametrize("name", URLS)
def test_anonymous_goes_to_login(approved_quarter, name):
    response = Client().get(url(name))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", URLS)
def test_an_unknown_period_is_a_404(approved_quarter, client_for, name):
    assert client_for("hr").get(url(name, "2030Q1")).status_code == 404


@pytest.mark.parametrize("period", ["２０２６Q3", "٢٠٢٦Q3", "0000Q1", "9999Q4"])
@pytest.mark.parametrize("name", URLS)
def test_a_period_filter_of_other_digits_or_out_of_range_is_a_404(
    approved_quarter, client_for, name, period
):
    assert client_for("hr").get(url(name, period)).status_code == 404


@pytest.mark.parametrize("name", URLS)
def test_a_period_filter_with_a_nul_is_refused_naming_it(approved_quarter, client_for, name):
    response = client_for("hr").get(url(name, "2026Q3%00"))
    assert response.status_code == 400
    assert b"period" in response.content


@pytest.mark.parametrize("period", ["2000Q1", "2099Q4"])
@pytest.mark.parametrize("name", URLS)
def test_the_first_and_last_quarter_have_their_reports(personas, client_for, name, period):
    services.cycle_open(actor=personas["hr"], period=period)
    assert client_for("hr").get(url(name, period.lower())).status_code == 200


# -- the page --------------------------------------------------------------------------------


def test_trend_shows_each_departments_approved_average(approved_quarter, client_for):
    html = client_for("hr").get(url("reviews:reports"), **EN).content.decode()
    trend = section(html, "department-trend")
    rows = figures(trend, "department")
    # One approved review per department: its average is that review's total.
    assert rows == {
        "MARKET": ["Marketing Department", str(EXAMPLES["E00003"].total_score)],
        "SALES": ["Sales Department", str(EXAMPLES["E00002"].total_score)],
        "KEYACCT": ["Key Account Department", str(EXAMPLES["E00004"].total_score)],
        "QUALITY": ["Quality Management Department", str(EXAMPLES["E00005"].total_score)],
    }
    panels = re.findall(r'data-testid="trend-panel" data-department="(\w+)"', trend)
    assert panels == ["MARKET", "SALES", "KEYACCT", "QUALITY"]


def test_trend_averages_over_quarters_from_the_latest_approved_version(
    approved_quarter, personas, client_for
):
    """2026Q2: E00002 graded S, and the head (E00001, SALES) approved, reopened and approved
    again with other figures. The SALES average of 2026Q2 is the mean of E00002's total and the
    head's latest approved total, exactly: a reopened review counts once, as payroll pays it."""
    earlier = quarter(personas, "2026Q2")
    first = approve_with(personas, review_of(earlier, "E00002"), S_FIGURES)
    head = approve_with(personas, review_of(earlier, "E00001"), S_FIGURES)
    reopened = services.review_reopen(
        actor=personas["director"], review=head, reason="Plan figure was wrong"
    )
    corrected = {**S_FIGURES, "SALES_PLAN_RATE": {**S_FIGURES["SALES_PLAN_RATE"], "actual": "90"}}
    head = approve_with(personas, reopened, corrected, rating=4)
    assert head.version == 2
    results = ApprovedResult.objects.filter(review=head).order_by("version")
    assert [result.version for result in results] == [1, 2]
    assert results[0].total_score != results[1].total_score == head.total_score
    assert first.total_score is not None and head.total_score is not None

    html = client_for("director").get(url("reviews:reports"), **EN).content.decode()
    trend = section(html, "department-trend")
    assert re.search(r"<th[^>]*>2026Q2</th><th[^>]*>2026Q3</th>", trend)
    sales = figures(trend, "department")["SALES"]
    expected_q2 = scoring.round2((first.total_score + head.total_score) / 2)
    assert sales == ["Sales Department", f"{expected_q2:.2f}", str(EXAMPLES["E00002"].total_score)]
    # Departments without an approved review in a quarter show a dash.
    assert figures(trend, "department")["MARKET"] == [
        "Marketing Department",
        "—",
        str(EXAMPLES["E00003"].total_score),
    ]


def test_trend_keeps_the_last_eight_quarters(page_quarter, personas, client_for):
    for year, q in [
        (2024, 3),
        (2024, 4),
        (2025, 1),
        (2025, 2),
        (2025, 3),
        (2025, 4),
        (2026, 1),
        (2026, 2),
    ]:
        services.cycle_open(actor=personas["hr"], period=f"{year}Q{q}")
    html = client_for("hr").get(url("reviews:reports"), **EN).content.decode()
    # Nothing approved yet: the trend is empty but the page works.
    assert "No review of these quarters has been approved yet." in section(html, "department-trend")
    from reviews import selectors
    from reviews.selectors import reports

    cycles = selectors.cycles_newest_first()
    assert reports.report_periods(cycles=cycles, period=PERIOD) == [
        "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"
    ]  # fmt: skip


def test_grades_training_and_promotion_of_the_quarter(approved_quarter, client_for):
    html = client_for("hr").get(url("reviews:reports"), **EN).content.decode()
    grades = figures(section(html, "report-grades"), "grade")
    expected = dict.fromkeys("SABCD", 0)
    for number in ("E00002", "E00003", "E00004", "E00005"):
        expected[EXAMPLES[number].grade] += 1
    assert {grade: int(cells[1]) for grade, cells in grades.items()} == expected
    training = section(html, "training-list")
    listed = {n for n in ("E00002", "E00003", "E00004", "E00005") if has(training, f"training-{n}")}
    assert listed == {n for n in EXAMPLES if n != "E00001" and EXAMPLES[n].grade in ("C", "D")}
    assert "Nobody." in section(html, "promotion-list")


def test_promotion_needs_s_in_two_consecutive_quarters(page_quarter, personas, client_for):
    earlier = quarter(personas, "2026Q2")
    before_s = approve_with(personas, review_of(earlier, "E00002"), S_FIGURES)
    now_s = approve_with(personas, page_quarter.reviews["E00002"], S_FIGURES)
    assert before_s.grade == now_s.grade == Review.Grade.S
    # The head: S in 2026Q3 only (example 1's figures with middling ratings before it).
    head_before = approve_with(
        personas,
        review_of(earlier, "E00001"),
        {code: EXAMPLES["E00002"].lines[code] for code in S_FIGURES},
        rating=3,
    )
    assert head_before.grade != Review.Grade.S
    head_now = approve_with(personas, page_quarter.reviews["E00001"], S_FIGURES)
    assert head_now.grade == Review.Grade.S

    html = client_for("hr").get(url("reviews:reports"), **EN).content.decode()
    promotion = section(html, "promotion-list")
    assert has(promotion, "promotion-E00002")
    assert not has(promotion, "promotion-E00001")
    assert f"{before_s.total_score:.2f}" in promotion and f"{now_s.total_score:.2f}" in promotion
    # In 2026Q2 nobody had S the quarter before.
    html = client_for("hr").get(url("reviews:reports", "2026Q2"), **EN).content.decode()
    assert not has(section(html, "promotion-list"), "promotion-E00002")


def test_s_two_quarters_apart_is_no_promotion(page_quarter, personas, client_for):
    skipped = quarter(personas, "2026Q1")
    quarter(personas, "2026Q2")  # nothing approved in between
    approve_with(personas, review_of(skipped, "E00002"), S_FIGURES)
    approve_with(personas, page_quarter.reviews["E00002"], S_FIGURES)
    html = client_for("hr").get(url("reviews:reports"), **EN).content.decode()
    assert not has(section(html, "promotion-list"), "promotion-E00002")


def test_drafts_and_scored_reviews_are_not_in_the_reports(page_quarter, personas, client_for):
    submit_and_score(personas, page_quarter.reviews["E00003"])  # D, but not approved
    html = client_for("hr").get(url("reviews:reports"), **EN).content.decode()
    assert not has(section(html, "training-list"), "training-E00003")
    assert "No review of these quarters has been approved yet." in section(html, "department-trend")


def test_no_quarter_yet(personas, client_for):
    html = client_for("hr").get(url("reviews:reports"), **EN).content.decode()
    assert has(html, "no-quarter")
    assert not has(html, "department-trend")
    assert client_for("hr").get(url("reviews:reports_export")).status_code == 404


# -- the workbook ----------------------------------------------------------------------------


def test_export_is_a_workbook_of_the_reports(approved_quarter, client_for):
    response = client_for("hr").get(url("reviews:reports_export", PERIOD), **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        f'attachment; filename="hrperf-reports-{PERIOD}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        f"{PERIOD} against 2026Q2",
        "Department averages",
        "Grade distribution",
        "Training list",
        "Promotion list",
        f"Approved results {PERIOD}",
    ]
    trend = book["Department averages"]
    assert [cell.value for cell in trend[1]] == [
        "Department code",
        "Department",
        PERIOD,
        f"Δ {PERIOD}",
    ]
    assert all(cell.font.bold for cell in trend[1])
    by_code = {row[0].value: row for row in trend.iter_rows(min_row=2)}
    assert set(by_code) == {"MARKET", "SALES", "KEYACCT", "QUALITY"}
    sales = by_code["SALES"][2]
    assert isinstance(sales.value, int | float)
    assert Decimal(str(sales.value)) == EXAMPLES["E00002"].total_score
    assert sales.number_format == "0.00"

    grades = book["Grade distribution"]
    assert [cell.value for cell in grades[1]] == ["Quarter", "S", "A", "B", "C", "D", "Total"]
    assert [cell.value for cell in grades[2]] == [PERIOD, 0, 1, 0, 2, 1, 4]

    training = book["Training list"]
    numbers = [row[0].value for row in training.iter_rows(min_row=2)]
    assert sorted(numbers) == ["E00003", "E00004", "E00005"]
    assert book["Promotion list"].max_row == 1  # the header only

    results = book[f"Approved results {PERIOD}"]
    header = [cell.value for cell in results[1]]
    rows = {row[0].value: [cell.value for cell in row] for row in results.iter_rows(min_row=2)}
    assert set(rows) == {"E00002", "E00003", "E00004", "E00005"}
    total = rows["E00002"][header.index("Total score")]
    assert Decimal(str(total)) == EXAMPLES["E00002"].total_score
    assert rows["E00003"][header.index("Verbal warning")] == "Yes"
    assert rows["E00002"][header.index("Grade")] == "A"


def test_export_speaks_the_users_language(approved_quarter, client_for):
    response = client_for("director").get(url("reviews:reports_export"), **ZH)
    book = load_workbook(io.BytesIO(response.content))
    with translation.override("zh-hans"):
        names = [
            gettext("%(period)s against %(previous)s") % {"period": PERIOD, "previous": "2026Q2"},
            gettext("Department averages"),
            gettext("Grade distribution"),
            gettext("Training list"),
            gettext("Promotion list"),
            gettext("Approved results %(period)s") % {"period": PERIOD},
        ]
        header = [
            gettext("Department code"),
            gettext("Department"),
            PERIOD,
            gettext("Δ %(figure)s") % {"figure": PERIOD},
        ]
    assert book.sheetnames == names
    assert [cell.value for cell in book[names[1]][1]] == header


# -- a fixed number of queries ---------------------------------------------------------------


@pytest.mark.parametrize("name", URLS)
def test_queries_do_not_grow_with_the_results(page_quarter, personas, client_for, name):
    """2026Q2: two approved reviews, both S; 2026Q3: five reviews, four approved, one promotion."""
    earlier = quarter(personas, "2026Q2")
    approve_with(personas, review_of(earlier, "E00002"), S_FIGURES)
    approve_with(personas, review_of(earlier, "E00001"), S_FIGURES)
    for number in ("E00003", "E00004", "E00005"):
        approve(personas, page_quarter.reviews[number])
    approve_with(personas, page_quarter.reviews["E00002"], S_FIGURES)

    counts = []
    keep_todo_count(personas["hr"])
    for period in ("2026Q2", PERIOD):
        client = client_for("hr")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name, period))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_trend_chart_has_the_figures_of_its_table(approved_quarter, client_for):
    html = client_for("director").get(url("reviews:reports"), **EN).content.decode()
    trend = section(html, "department-trend")
    labels = dict(
        re.findall(r'data-department="(\w+)">\s*<figcaption>.*?aria-label="([^"]*)"', trend, re.S)
    )
    rows = figures(trend, "department")
    assert labels == {code: f"{cells[0]}: {PERIOD} {cells[1]}" for code, cells in rows.items()}


def test_export_leaves_out_what_the_policy_hides_from_the_viewer(
    approved_quarter, client_for, monkeypatch
):
    """The workbook follows the one policy of what each viewer sees (selectors.visibility)."""
    hidden = visibility.PARTS[visibility.Audience.HR] - {visibility.Part.WARNING}
    monkeypatch.setitem(visibility.PARTS, visibility.Audience.HR, hidden)
    response = client_for("hr").get(url("reviews:reports_export", PERIOD), **EN)

    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        assert "Verbal warning" not in [cell.value for cell in sheet[1]], sheet.title
