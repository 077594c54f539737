"""The reports page's filters (a range of quarters, a department), the quarter-on-quarter table
(signed changes, shares without needless decimals, each figure linked to its reviews), a closed
quarter's final figures, the trend's small multiples with 30 departments, the workbook with the
same filters, and a fixed number of queries."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reviews.models import ReviewCycle
from reviews.pages.reports import percent, signed
from tests.helpers.pages import section
from tests.helpers.reports import approved, department
from tests.helpers.todos import keep_todo_count

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REPORTS = reverse("reviews:reports")
EXPORT = reverse("reviews:reports_export")


@pytest.fixture
def pair(personas, departments):
    """As tests/reviews/selectors/test_reports_changes.py: SALES 75.00 → 76.90, MARKET 95.00 →
    90.50, all 81.67 → 82.34."""
    people = {"hr": personas["hr"], "director": personas["director"]}
    sales, market = departments["SALES"], departments["MARKET"]
    approved(
        **people,
        period="2026Q2",
        department=sales,
        rows=[("80.00", "B", False), ("70.00", "C", True)],
    )
    approved(
        **people,
        period="2026Q3",
        department=sales,
        rows=[("90.50", "A", False), ("81.20", "B", False), ("59.00", "D", True)],
    )
    approved(**people, period="2026Q2", department=market, rows=[("95.00", "S", False)])
    approved(
        **people,
        period="2026Q3",
        department=market,
        rows=[("96.00", "S", False), ("85.00", "A", False)],
    )
    return departments


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2.35"), "+2.35"),
        (Decimal("-1.1"), "\u22121.10"),
        (Decimal("0"), "0.00"),
        (3, "+3"),
        (-1, "\u22121"),
        (0, "0"),
        (None, ""),
    ],
)
def test_a_change_is_written_with_its_sign(value, text):
    assert signed(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal(25), "25%"),
        (Decimal(100) / 3, "33.3%"),
        (Decimal(100), "100%"),
        (Decimal("12.45"), "12.5%"),
        (Decimal(0), "0%"),
    ],
)
def test_a_share_has_no_needless_decimals(value, text):
    assert percent(value) == text


def _row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-department="{re.escape(code)}".*?</tr>', html, re.S)
    assert match, code
    return match.group(0)


def _figure(row: str, name: str) -> list[str]:
    match = re.search(rf'data-figure="{name}">(.*?)</td>', row, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()


def test_each_figure_beside_the_quarter_before(pair, client_for):
    html = client_for("hr").get(REPORTS, {"to": "2026Q3"}, **EN).content.decode()
    table = section(html, "quarter-change")
    sales = _row(table, "SALES")
    assert _figure(sales, "mean") == ["76.90", "+1.90"]
    assert _figure(sales, "count") == ["3", "+1"]
    assert _figure(sales, "grade-A") == ["1", "33.3%", "+1"]
    assert _figure(sales, "grade-C") == ["0", "0%", "\u22121"]
    assert _figure(sales, "warnings") == ["1", "0"]  # unchanged
    market = _row(table, "MARKET")
    assert _figure(market, "mean") == ["90.50", "\u22124.50"]
    assert _figure(market, "grade-S") == ["1", "50%", "0"]
    everyone = _row(table, "*")
    assert _figure(everyone, "mean") == ["82.34", "+0.67"]


def test_each_figure_links_to_the_reviews_behind_it(pair, client_for):
    html = client_for("director").get(REPORTS, {"to": "2026Q3"}, **EN).content.decode()
    sales = _row(section(html, "quarter-change"), "SALES")
    pk = pair["SALES"].pk
    assert f'href="/quarters/2026Q3/reviews/?department={pk}&amp;grade=A"' in sales
    assert f'href="/quarters/2026Q3/reviews/?department={pk}&amp;warning=yes"' in sales
    assert f'href="/quarters/2026Q3/reviews/?department={pk}"' in sales
    # and the list it links to holds exactly those reviews
    listed = client_for("director").get(
        reverse("reviews:review_list", args=["2026Q3"]), {"department": pk, "grade": "A"}, **EN
    )
    assert listed.status_code == 200
    assert listed.content.decode().count("SAL") >= 1


def test_the_filters_narrow_the_range_and_the_department(pair, client_for):
    html = (
        client_for("hr")
        .get(REPORTS, {"from": "2026Q3", "to": "2026Q3", "department": "MARKET"}, **EN)
        .content.decode()
    )
    assert re.findall(r'data-testid="trend-panel" data-department="(\w+)"', html) == ["MARKET"]
    table = section(html, "quarter-change")
    assert 'data-department="SALES"' not in table
    assert _figure(_row(table, "MARKET"), "mean") == ["90.50", "\u22124.50"]
    assert 'value="MARKET" selected' in html
    assert "from=2026Q3&amp;to=2026Q3&amp;department=MARKET" in html  # the export's link


@pytest.mark.parametrize(
    "params", [{"from": "2019Q1"}, {"to": "2030Q4"}, {"department": "NOPE"}, {"to": "x"}]
)
def test_a_filter_naming_nothing_is_a_404(pair, client_for, params):
    assert client_for("hr").get(REPORTS, params, **EN).status_code == 404


def test_the_range_is_put_in_order(pair, client_for):
    html = client_for("hr").get(REPORTS, {"from": "2026Q3", "to": "2026Q2"}, **EN)
    assert 'option value="2026Q3" selected' in html.content.decode().split('name="to"')[1][:400]


def test_a_closed_quarter_is_final_with_its_close_time(pair, client_for):
    ReviewCycle.objects.filter(period="2026Q3").update(
        status="closed", closed_at="2026-10-20T02:00Z"
    )
    html = client_for("hr").get(REPORTS, {"to": "2026Q3"}, **EN).content.decode()
    status = section(html, "report-status") if 'data-testid="report-status"' in html else html
    assert 'data-final="yes"' in html
    assert "2026-10-20 10:00" in status  # Asia/Shanghai
    open_html = client_for("hr").get(REPORTS, {"to": "2026Q2"}, **EN).content.decode()
    assert 'data-final="no"' in open_html


def test_the_workbook_follows_the_filters_with_its_changes(pair, client_for):
    response = client_for("hr").get(
        EXPORT, {"from": "2026Q3", "to": "2026Q3", "department": "SALES"}, **EN
    )
    assert response.status_code == 200
    assert 'filename="hrperf-reports-2026Q3-SALES.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    change = book["2026Q3 against 2026Q2"]
    header = [cell.value for cell in change[1]]
    rows = [[cell.value for cell in row] for row in change.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["SALES"]
    sales = dict(zip(header, rows[0], strict=True))
    assert Decimal(str(sales["Mean total"])) == Decimal("76.90")
    assert Decimal(str(sales["Δ Mean total"])) == Decimal("1.90")
    assert (sales["A"], sales["Δ A"], sales["C"], sales["Δ C"]) == (1, 1, 0, -1)
    assert change.cell(row=2, column=header.index("Δ Mean total") + 1).number_format.startswith("+")
    averages = book["Department averages"]
    assert [cell.value for cell in averages[1]] == [
        "Department code",
        "Department",
        "2026Q3",
        "Δ 2026Q3",
    ]
    results = book["Approved results 2026Q3"]
    assert {row[2].value for row in results.iter_rows(min_row=2)} == {"Sales Department"}


def _many_departments(personas, count: int) -> None:
    people = {"hr": personas["hr"], "director": personas["director"]}
    for index in range(count):
        extra = department(f"D{index:02d}", 10 + index, name_en=f"Branch {index:02d}")
        for period in ("2026Q1", "2026Q2", "2026Q3"):
            total = f"{60 + (index * 7 + len(period)) % 35}.25"
            approved(**people, period=period, department=extra, rows=[(total, "B", index % 4 == 0)])


def test_thirty_departments_are_thirty_labelled_panels_on_one_scale(
    personas, departments, client_for
):
    _many_departments(personas, 30)
    html = client_for("director").get(REPORTS, {"from": "2026Q1", "to": "2026Q3"}, **EN)
    trend = section(html.content.decode(), "department-trend")
    panels = re.findall(
        r'data-testid="trend-panel" data-department="(\w+)">\s*<figcaption><span '
        r'class="panel-name">([^<]+)</span>',
        trend,
    )
    assert len(panels) == 30
    assert len({code for code, _name in panels}) == 30
    assert [name for _code, name in panels] == [f"Branch {i:02d}" for i in range(30)]
    # one scale for every panel, with the x axis the range's quarters
    assert len(set(re.findall(r'<text class="tick"[^>]*>(\d+)</text>', trend))) == 2
    assert trend.count(">2026Q1</text>") == 30 and trend.count(">2026Q3</text>") == 30
    # every panel draws the reference line of all departments and its own line
    assert trend.count('class="reference"') >= 30
    assert trend.count('class="series"') >= 30


@pytest.mark.parametrize("name", ["reviews:reports", "reviews:reports_export"])
def test_the_queries_do_not_grow_with_departments_or_quarters(
    personas, departments, client_for, name
):
    client = client_for("hr")
    keep_todo_count(personas["hr"])
    people = {"hr": personas["hr"], "director": personas["director"]}
    approved(
        **people, period="2026Q3", department=departments["SALES"], rows=[("80.00", "B", False)]
    )

    def count(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), params, **EN).status_code == 200
        return len(queries)

    few = count({"to": "2026Q3", "from": "2026Q3"})
    _many_departments(personas, 30)
    many = count({"to": "2026Q3", "from": "2026Q1"})
    assert few == many, (few, many)
