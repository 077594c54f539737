"""The quarter's figures file: the template (Excel and CSV, Chinese and English headers), the
import round trip, and every kind of bad file or row (listed, nothing saved)."""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reviews.models import AuditEvent, Review, ReviewKpiLine
from tests.helpers.pages import EXAMPLES, PERIOD, approve, submit_and_score
from tests.helpers.quarter_files import stored_figures
from tests.helpers.workbooks import bomb

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EN_HEADERS = [
    "period",
    "employee_no",
    "name",
    "department",
    "kpi_code",
    "kpi_name",
    "unit",
    "target",
    "actual",
]
ZH_HEADERS = [
    "期间",
    "员工编号",
    "姓名",
    "部门",
    "指标代码",
    "指标名称",
    "单位",
    "目标值",
    "实际值",
]


def _template(client, file_format, language=EN):
    response = client.get(
        reverse("reviews:quarter_template", args=[PERIOD, file_format]), **language
    )
    assert response.status_code == 200
    assert f'filename="figures-{PERIOD}.{file_format}"' in response["Content-Disposition"]
    assert response.streaming
    return b"".join(response.streaming_content)


def xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(content):
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows, encoding="utf-8-sig"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _upload(client, content, name="figures.xlsx", language=EN):
    upload = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(
        reverse("reviews:quarter_import", args=[PERIOD]), {"file": upload}, **language
    )


def _fill(rows, figures):
    """The template's rows with targets and actuals of `figures` {(employee_no, code): (t, a)}."""
    header, *data = rows
    out = [header]
    for row in data:
        row = list(row)
        key = (row[1], row[4])
        if key in figures:
            row[7], row[8] = figures[key]
        out.append(row)
    return out


WORKED = {
    (employee_no, code): (values["target"], values["actual"])
    for employee_no, example in EXAMPLES.items()
    for code, values in example.lines.items()
}


# -- the template -----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "headers"), [(EN, EN_HEADERS), (ZH, ZH_HEADERS)])
def test_the_xlsx_template_has_a_row_per_review_and_kpi(
    client_for, page_quarter, language, headers
):
    rows = xlsx_rows(_template(client_for("hr"), "xlsx", language))
    assert rows[0] == headers
    lines = ReviewKpiLine.objects.filter(review__cycle=page_quarter.cycle)
    assert len(rows) - 1 == lines.count()
    assert {(row[1], row[4]) for row in rows[1:]} == {
        (line.review.employee.employee_no, line.code) for line in lines
    }
    assert {row[0] for row in rows[1:]} == {PERIOD}
    sales_plan = next(row for row in rows[1:] if row[1] == "E00002" and row[4] == "SALES_PLAN_RATE")
    assert sales_plan[2] == "张伟"
    assert sales_plan[7] == 100  # the catalogue's default target, as a number
    assert sales_plan[8] is None  # no actual yet
    if language is EN:
        assert sales_plan[3] == "Sales Department"
        assert sales_plan[5] == "Sales plan completion rate"
    else:
        assert sales_plan[3] == "销售部"


@pytest.mark.parametrize(("language", "headers"), [(EN, EN_HEADERS), (ZH, ZH_HEADERS)])
def test_the_csv_template_is_utf8_with_bom(client_for, page_quarter, language, headers):
    rows = csv_rows(_template(client_for("hr"), "csv", language))
    assert rows[0] == headers
    assert len(rows) - 1 == ReviewKpiLine.objects.filter(review__cycle=page_quarter.cycle).count()
    sales_plan = next(row for row in rows[1:] if row[1] == "E00002" and row[4] == "SALES_PLAN_RATE")
    assert sales_plan[7] == "100" and sales_plan[8] == ""


def test_the_template_is_prefilled_with_exact_figures(client_for, page_quarter, personas):
    line = ReviewKpiLine.objects.get(review=page_quarter.reviews["E00002"], code="SALES_REVENUE")
    ReviewKpiLine.objects.filter(pk=line.pk).update(
        target=Decimal("5000000.1234"), actual=Decimal("0.0001")
    )
    client = client_for("hr")
    xlsx = next(
        row
        for row in xlsx_rows(_template(client, "xlsx"))
        if row[4] == "SALES_REVENUE" and row[1] == "E00002"
    )
    assert Decimal(str(xlsx[7])) == Decimal("5000000.1234")
    assert Decimal(str(xlsx[8])) == Decimal("0.0001")
    row = next(
        row
        for row in csv_rows(_template(client, "csv"))
        if row[4] == "SALES_REVENUE" and row[1] == "E00002"
    )
    assert (row[7], row[8]) == ("5000000.1234", "0.0001")


def test_a_name_that_looks_like_a_formula_stays_text(client_for, page_quarter):
    from departments.models import Employee

    Employee.objects.filter(employee_no="E00002").update(name='=HYPERLINK("http://x","y")')
    client = client_for("hr")
    workbook = load_workbook(io.BytesIO(_template(client, "xlsx")))
    cells = [row for row in workbook.worksheets[0].iter_rows() if row[1].value == "E00002"]
    assert cells and all(row[2].data_type == "s" for row in cells)
    assert cells[0][2].value == '=HYPERLINK("http://x","y")'
    rows = [row for row in csv_rows(_template(client, "csv")) if row[1] == "E00002"]
    assert rows and all(row[2] == '\'=HYPERLINK("http://x","y")' for row in rows)


# -- the round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", [EN, ZH])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_download_fill_upload_saves_the_figures_exactly(
    client_for, page_quarter, language, file_format
):
    client = client_for("hr")
    content = _template(client, file_format, language)
    rows = xlsx_rows(content) if file_format == "xlsx" else csv_rows(content)
    filled = _fill(rows, {key: (Decimal(t), Decimal(a)) for key, (t, a) in WORKED.items()})
    body = (
        _xlsx(filled)
        if file_format == "xlsx"
        else _csv([["" if c is None else str(c) for c in r] for r in filled])
    )
    response = _upload(client, body, f"figures.{file_format}", language)
    assert response.status_code == 302, response.content.decode()[-3000:]
    for (employee_no, code), (target, actual) in WORKED.items():
        line = ReviewKpiLine.objects.get(
            review__cycle=page_quarter.cycle, review__employee__employee_no=employee_no, code=code
        )
        assert (line.target, line.actual) == (Decimal(target), Decimal(actual)), (employee_no, code)
    page = client.get(response["Location"], **EN).content.decode()
    assert 'data-testid="import-result"' in page
    assert 'data-testid="import-errors"' not in page
    # The review of each example now lacks only its ratings.
    review = Review.objects.get(pk=page_quarter.reviews["E00002"].pk)
    assert review.revision == 2
    assert {reason["code"] for reason in review.incomplete_reasons} == {"rating_missing"}


def test_importing_again_updates_and_never_duplicates(client_for, page_quarter):
    client = client_for("hr")
    rows = xlsx_rows(_template(client, "xlsx"))
    lines = ReviewKpiLine.objects.count()
    assert (
        _upload(client, _xlsx(_fill(rows, {("E00002", "SALES_PLAN_RATE"): (100, 90)}))).status_code
        == 302
    )
    response = _upload(client, _xlsx(_fill(rows, {("E00002", "SALES_PLAN_RATE"): (100, 95)})))
    assert response.status_code == 302
    line = ReviewKpiLine.objects.get(review=page_quarter.reviews["E00002"], code="SALES_PLAN_RATE")
    assert line.actual == Decimal(95)
    assert ReviewKpiLine.objects.count() == lines
    result = client.session  # the result waits in the session for the next page
    assert result[f"quarter-import-{PERIOD}"]["updated"] == 1
    assert result[f"quarter-import-{PERIOD}"]["unchanged"] == len(rows) - 2
    # The same file once more: nothing changes.
    revision = Review.objects.get(pk=line.review_id).revision
    _upload(client, _xlsx(_fill(rows, {("E00002", "SALES_PLAN_RATE"): (100, 95)})))
    assert Review.objects.get(pk=line.review_id).revision == revision
    page = client.get(reverse("reviews:quarter", args=[PERIOD]), **EN).content.decode()
    assert "0 KPI lines filled in for the first time, 0 updated," in page
    assert f"{len(rows) - 1} rows unchanged, on 0 reviews." in page


@pytest.mark.parametrize(
    ("cell", "actual"),
    [
        (92.5, Decimal("92.5")),
        (95, Decimal(95)),
        (0.0001, Decimal("0.0001")),
        (1e5, Decimal(10**5)),
    ],
)
def test_an_excel_number_is_read_exactly(client_for, page_quarter, cell, actual):
    response = _upload(
        client_for("hr"),
        _xlsx([["employee_no", "kpi_code", "actual"], ["E00002", "SALES_PLAN_RATE", cell]]),
    )
    assert response.status_code == 302, response.content.decode()
    line = ReviewKpiLine.objects.get(review=page_quarter.reviews["E00002"], code="SALES_PLAN_RATE")
    assert line.actual == actual


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (92.00001, "92.00001 has more than 4 decimal places."),
        (1e20, "100000000000000000000 is too large: it must be below 100000000000000."),
        (-5.0, "-5 is negative: it must be at least 0."),
        (True, "A yes/no value is not a number."),
        ("92,5", '"92,5" is not a number: use digits with a "." for decimals, such as 92.5.'),
    ],
)
def test_an_excel_cell_that_is_no_figure_is_refused(client_for, page_quarter, cell, message):
    before = stored_figures()
    response = _upload(
        client_for("hr"),
        _xlsx([["employee_no", "kpi_code", "actual"], ["E00002", "SALES_PLAN_RATE", cell]]),
    )
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert (error.row, error.field, error.message) == (2, "actual", message)
    assert stored_figures() == before


@pytest.mark.parametrize(
    "text",
    ["92,5", "1,000", "1e5", "1E5", "1_000", "９２", "٩٢", "۹۲", "+92", "92.", ".5", "9 2",
     "92.5.1", "NaN", "Infinity", "-Infinity", "0x10", "½", "92%", "¥92"],
)  # fmt: skip
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_figure_written_loosely_is_refused_with_its_row_and_column(
    client_for, page_quarter, text, file_format
):
    rows = [
        HEAD,
        [PERIOD, "E00002", "SALES_PLAN_RATE", "", "50"],
        [PERIOD, "E00001", "SALES_PLAN_RATE", text, ""],
    ]
    body = _xlsx(rows) if file_format == "xlsx" else _csv(rows)
    before = (stored_figures(), AuditEvent.objects.count())
    response = _upload(client_for("hr"), body, f"f.{file_format}")
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert (error.row, error.field) == (3, "target")
    assert error.message == (
        f'"{text}" is not a number: use digits with a "." for decimals, such as 92.5.'
    )
    assert (stored_figures(), AuditEvent.objects.count()) == before


def test_a_figure_above_the_kpis_maximum_is_refused_with_the_limit(client_for, page_quarter):
    ReviewKpiLine.objects.filter(code="SALES_PLAN_RATE").update(maximum=100)
    rows = [HEAD, [PERIOD, "E00002", "SALES_PLAN_RATE", "", "103.5"]]
    before = stored_figures()
    response = _upload(client_for("hr"), _csv(rows), "f.csv")
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert (error.row, error.field, error.message) == (
        2,
        "actual",
        "actual 103.5 is above this KPI's maximum of 100 (a share of a whole).",
    )
    assert stored_figures() == before
    ok = _upload(
        client_for("hr"), _csv([HEAD, [PERIOD, "E00002", "SALES_PLAN_RATE", "", "100"]]), "f.csv"
    )
    assert ok.status_code == 302


def test_blank_cells_leave_figures_unchanged(client_for, page_quarter):
    client = client_for("hr")
    _upload(
        client,
        _xlsx([[*EN_HEADERS[:2], "kpi_code", "actual"], [PERIOD, "E00002", "SALES_PLAN_RATE", 92]]),
    )
    line = ReviewKpiLine.objects.get(review=page_quarter.reviews["E00002"], code="SALES_PLAN_RATE")
    assert (line.target, line.actual) == (Decimal(100), Decimal(92))
    response = _upload(
        client,
        _csv([["工号", "指标代码", "目标值", "实际值"], ["E00002", "SALES_PLAN_RATE", "", " "]]),
        "figures.csv",
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.target, line.actual) == (Decimal(100), Decimal(92))


def test_gb18030_csv_and_bilingual_headers_are_read(client_for, page_quarter):
    content = _csv(
        [
            ["工号 / employee_no", "指标代码 / kpi_code", "实际值 / actual", "备注"],
            ["e00002", "sales_plan_rate", "88.5", "张伟的数"],
        ],
        encoding="gb18030",
    )
    response = _upload(client_for("hr"), content, "figures.csv")
    assert response.status_code == 302
    line = ReviewKpiLine.objects.get(review=page_quarter.reviews["E00002"], code="SALES_PLAN_RATE")
    assert line.actual == Decimal("88.5")


# -- bad files and bad rows -------------------------------------------------------------------

HEAD = ["period", "employee_no", "kpi_code", "target", "actual"]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ([PERIOD, "E00002", "SALES_PLAN_RATE", "", "ninety"], "actual", "is not a number"),
        ([PERIOD, "E00002", "SALES_PLAN_RATE", "", "-5"], "actual", "is negative"),
        ([PERIOD, "E00002", "SALES_PLAN_RATE", "0", ""], "target", "A target of 0"),
        ([PERIOD, "E00002", "SALES_PLAN_RATE", "", "1.123456"], "actual", "decimal places"),
        (
            [PERIOD, "E09999", "SALES_PLAN_RATE", "", "1"],
            "employee_no",
            "No review of employee E09999",
        ),
        ([PERIOD, "E00002", "MARKET_X", "", "1"], "kpi_code", "has no KPI MARKET_X"),
        ([PERIOD, "", "SALES_PLAN_RATE", "", "1"], "employee_no", "Employee number is required."),
        (["2026Q2", "E00002", "SALES_PLAN_RATE", "", "1"], "period", "This row is for 2026Q2"),
    ],
)
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_bad_row_is_listed_and_nothing_is_saved(
    client_for, page_quarter, row, column, message, file_format
):
    good = [PERIOD, "E00001", "SALES_PLAN_RATE", "", "50"]
    rows = [HEAD, good, row]
    body = _xlsx(rows) if file_format == "xlsx" else _csv(rows)
    before = (stored_figures(), AuditEvent.objects.count())
    response = _upload(client_for("hr"), body, f"f.{file_format}")
    assert response.status_code == 400
    errors = response.context["import_errors"]
    assert [(e.row, e.field) for e in errors] == [(3, column)], errors
    assert message in errors[0].message
    content = response.content.decode()
    assert 'data-testid="import-errors"' in content and message in content
    assert (stored_figures(), AuditEvent.objects.count()) == before


def test_a_row_given_twice_is_an_error(client_for, page_quarter):
    rows = [
        HEAD,
        [PERIOD, "E00002", "SALES_PLAN_RATE", "", "1"],
        [PERIOD, "E00002", "SALES_PLAN_RATE", "", "2"],
    ]
    before = stored_figures()
    response = _upload(client_for("hr"), _xlsx(rows))
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert (error.row, error.field) == (3, "kpi_code")
    assert "also appears in row 2" in error.message
    assert stored_figures() == before


@pytest.mark.parametrize("state", ["scored", "approved"])
def test_a_review_that_cannot_change_refuses_a_change(client_for, page_quarter, personas, state):
    review = page_quarter.reviews["E00002"]
    (approve if state == "approved" else submit_and_score)(personas, review)
    client = client_for("hr")
    rows = xlsx_rows(_template(client, "xlsx"))
    # Its figures as they stand are fine (unchanged) ...
    assert _upload(client, _xlsx(rows)).status_code == 302
    # ... a change is not.
    before = stored_figures()
    changed = _fill(
        rows, {("E00002", "SALES_PLAN_RATE"): (100, 50), ("E00001", "SALES_PLAN_RATE"): (100, 70)}
    )
    response = _upload(client, _xlsx(changed))
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert error.field == "actual" and "cannot be changed" in error.message
    assert stored_figures() == before


def test_every_bad_row_is_listed_with_the_headers_as_written(client_for, page_quarter):
    rows = [
        ["期间", "工号", "指标代码", "目标值", "实际值"],
        [PERIOD, "E00002", "SALES_PLAN_RATE", "x", "-1"],
        [PERIOD, "E00003", "NOPE", "", "1"],
    ]
    response = _upload(client_for("hr"), _xlsx(rows), language=ZH)
    assert response.status_code == 400
    errors = [(e.row, e.field) for e in response.context["import_errors"]]
    assert errors == [(2, "目标值"), (2, "实际值"), (3, "指标代码")]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "figures.csv", "The submitted file is empty."),
        (b"   \r\n", "figures.csv", "The file is empty."),
        (b"%PDF-1.4 binary", "figures.pdf", "not a CSV or Excel"),
        (b"%PDF-1.4 binary", "figures.csv", "not a CSV or Excel"),
        (b"employee_no,kpi_code,actual\r\n", "figures.csv", "header row but no rows"),
        (b"employee_no,actual\r\nE00002,1\r\n", "figures.csv", "“kpi_code” is missing"),
        (b"employee_no,kpi_code\r\nE00002,X\r\n", "figures.csv", "target or an actual column"),
        (b"PK\x03\x04 broken", "figures.xlsx", "not a CSV or Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "figures.xls", "not a CSV or Excel"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason(client_for, page_quarter, content, name, message):
    before = stored_figures()
    response = _upload(client_for("hr"), content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored_figures() == before


def test_a_workbook_that_unpacks_too_far_is_refused_naming_the_limit(client_for, page_quarter):
    rows = [HEAD, [PERIOD, "E00002", "SALES_PLAN_RATE", "", "88"]]
    before = (stored_figures(), AuditEvent.objects.count())
    response = _upload(client_for("hr"), bomb(rows, unpacked=20 * 1024 * 1024))
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert "xl/sharedStrings.xml" in error.message and "8 MB" in error.message
    assert (stored_figures(), AuditEvent.objects.count()) == before


def test_a_csv_in_windows_latin_is_refused_naming_the_line(client_for, page_quarter):
    rows = [HEAD, [PERIOD, "E00002", "SALES_PLAN_RATE", "", "88"], ["Größe", "E00002"]]
    before = (stored_figures(), AuditEvent.objects.count())
    response = _upload(client_for("hr"), _csv(rows, encoding="cp1252"), "figures.csv")
    assert response.status_code == 400
    [error] = response.context["import_errors"]
    assert error.message.startswith("Line 3 of the file")
    assert "UTF-8 (with or without BOM) and GB18030" in error.message
    assert (stored_figures(), AuditEvent.objects.count()) == before


def test_an_import_without_a_file_says_so(client_for, page_quarter):
    response = client_for("hr").post(reverse("reviews:quarter_import", args=[PERIOD]), {}, **EN)
    assert response.status_code == 400
    assert "Choose a CSV or Excel file to import." in response.content.decode()


def test_a_file_over_the_figures_limit_is_refused(client_for, page_quarter, settings):
    settings.FIGURES_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    client = client_for("hr")
    rows = [HEAD] + [[PERIOD, "E00002", "SALES_PLAN_RATE", "", "1" * 40]] * 1
    body = _csv(rows) + b"," * (settings.FIGURES_MAX_UPLOAD_BYTES + 1)
    before = stored_figures()
    response = _upload(client, body, "figures.csv")
    assert response.status_code == 400
    assert "The file is too large: at most 2 MB." in response.content.decode()
    assert stored_figures() == before


def test_a_figures_file_may_pass_the_general_upload_limit(client_for, page_quarter, settings):
    client = client_for("hr")
    rows = [HEAD, [PERIOD, "E00002", "SALES_PLAN_RATE", "", "80"]]
    padding = [["", "", "", "", "", " " * 1000]] * (settings.MAX_UPLOAD_BYTES // 1000 + 10)
    body = _csv(rows + padding)
    assert settings.MAX_UPLOAD_BYTES < len(body) < settings.FIGURES_MAX_UPLOAD_BYTES
    response = _upload(client, body, "figures.csv")
    assert response.status_code == 302, response.content.decode()[-2000:]


def test_the_import_errors_are_in_chinese_by_default(client_for, page_quarter):
    rows = [HEAD, [PERIOD, "E00002", "SALES_PLAN_RATE", "", "abc"]]
    response = _upload(client_for("hr"), _xlsx(rows), language=ZH)
    assert response.status_code == 400
    assert "Enter a number." not in response.context["import_errors"][0].message


def test_a_closed_quarter_refuses_an_import(client_for, page_quarter):
    from reviews.models import ReviewCycle

    ReviewCycle.objects.filter(pk=page_quarter.cycle.pk).update(status="closed")
    rows = [HEAD, [PERIOD, "E00002", "SALES_PLAN_RATE", "", "1"]]
    before = stored_figures()
    response = _upload(client_for("hr"), _xlsx(rows))
    assert response.status_code == 409
    assert "2026Q3 is closed" in response.content.decode()
    assert stored_figures() == before


ERRORS_URL = reverse("reviews:quarter_import_errors", args=[PERIOD])


def test_the_problems_of_a_refused_figures_file_download_as_csv(client_for, page_quarter):
    client = client_for("hr")
    content = _csv(
        [
            ["employee_no", "kpi_code", "actual"],
            ["E00002", "SALES_PLAN_RATE", "abc"],
            ["E99999", "SALES_PLAN_RATE", "1"],
        ]
    )
    response = _upload(client, content, name="figures.csv")
    assert response.status_code == 400
    assert f'href="{ERRORS_URL}"' in response.content.decode()
    download = client.get(ERRORS_URL, **EN)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Column", "Value", "Problem"]
    assert [row[:3] for row in rows[1:]] == [
        ["2", "actual", "abc"],
        ["3", "employee_no", "E99999"],
    ]


def test_the_figures_problems_are_for_hr_only_and_gone_after_an_import(client_for, page_quarter):
    for persona in ("director", "head", "employee", "outsider"):
        assert client_for(persona).get(ERRORS_URL).status_code == 403
    client = client_for("hr")
    assert client.get(ERRORS_URL).status_code == 404  # nothing refused yet
    _upload(client, _csv([["employee_no", "kpi_code", "actual"], ["E00002", "X", "1"]]), "f.csv")
    assert client.get(ERRORS_URL).status_code == 200
    good = _csv([["employee_no", "kpi_code", "actual"], ["E00002", "SALES_PLAN_RATE", "90"]])
    assert _upload(client, good, "f.csv").status_code == 302
    assert client.get(ERRORS_URL).status_code == 404


def test_a_first_import_counts_the_lines_filled_in_for_the_first_time(client_for, page_quarter):
    line = ReviewKpiLine.objects.get(review=page_quarter.reviews["E00002"], code="SALES_PLAN_RATE")
    ReviewKpiLine.objects.filter(pk=line.pk).update(target=None, actual=None)
    ReviewKpiLine.objects.filter(review=line.review_id, code="SALES_REVENUE").update(
        target=Decimal(5000000), actual=None
    )
    client = client_for("hr")
    content = _csv(
        [
            ["employee_no", "kpi_code", "target", "actual"],
            ["E00002", "SALES_PLAN_RATE", "100", "90"],
            ["E00002", "SALES_REVENUE", "", "4000000"],
        ]
    )
    assert _upload(client, content, "f.csv").status_code == 302
    result = client.session[f"quarter-import-{PERIOD}"]
    assert (result["created"], result["updated"], result["unchanged"]) == (1, 1, 0)
    page = client.get(reverse("reviews:quarter", args=[PERIOD]), **EN).content.decode()
    assert "1 KPI lines filled in for the first time, 1 updated, 0 rows unchanged" in page
