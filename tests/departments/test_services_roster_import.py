"""Importing the employee roster from CSV and Excel files (departments.services.employee_import)."""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from departments import roster as roster_module
from departments.models import Department, Employee
from departments.roster import (
    ROSTER_COLUMNS,
    ImportResult,
    roster_template_csv,
    roster_template_xlsx,
)
from departments.services import employee_import
from hrperf.lib.tables import ImportRejected, RowError
from tests.helpers.workbooks import SHARED_STRINGS, bomb, declare_size

HEADER = "employee_no,name,department_code,position,hire_date,active,is_department_head"
CHINESE_HEADER = "员工编号,姓名,部门编码,岗位,入职日期,在职,部门负责人"


def csv_bytes(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(data: bytes, actor: User, filename: str = "roster.csv") -> ImportResult:
    return employee_import(file=io.BytesIO(data), filename=filename, actor=actor)


def rejected(data: bytes, actor: User, filename: str = "roster.csv") -> list[RowError]:
    with pytest.raises(ImportRejected) as info:
        run_import(data, actor, filename)
    return info.value.errors


def places(errors: list[RowError]) -> list[tuple[int | None, str | None]]:
    return [(error.row, error.field) for error in errors]


def roster() -> list[tuple[Any, ...]]:
    return list(
        Employee.objects.order_by("pk").values_list(
            "employee_no",
            "name",
            "department__code",
            "position",
            "hire_date",
            "is_active",
            "is_department_head",
            "updated_at",
        )
    )


@pytest.fixture
def hr(personas: dict[str, User]) -> User:
    return personas["hr"]


VALID_ROWS = (
    "E10001,周杰,SALES,销售代表,2023-04-01,true,false",
    "E10002,吴芳,market,市场经理,2021/9/15,是,是",
    "E10003,郑凯,MARKET,,,否,0",
)


# -- Files that import ------------------------------------------------------------------


def test_it_imports_a_csv_with_bom_and_english_headers(hr: User) -> None:
    result = run_import(csv_bytes(HEADER, *VALID_ROWS), hr)

    assert result == ImportResult(created=3, updated=0, unchanged=0)
    zhou = Employee.objects.get(employee_no="E10001")
    assert (zhou.name, zhou.department.code, zhou.position) == ("周杰", "SALES", "销售代表")
    assert zhou.hire_date == date(2023, 4, 1)
    assert zhou.is_active and not zhou.is_department_head
    wu = Employee.objects.get(employee_no="E10002")
    assert wu.department.code == "MARKET"
    assert wu.hire_date == date(2021, 9, 15)
    assert wu.is_department_head
    zheng = Employee.objects.get(employee_no="E10003")
    assert (zheng.position, zheng.hire_date, zheng.is_active) == ("", None, False)


def test_it_imports_a_csv_with_chinese_headers(hr: User) -> None:
    result = run_import(csv_bytes(CHINESE_HEADER, *VALID_ROWS), hr)

    assert result.created == 3
    assert Employee.objects.get(employee_no="E10002").is_department_head


def test_it_imports_a_csv_saved_as_gb18030_by_chinese_excel(hr: User) -> None:
    data = csv_bytes(CHINESE_HEADER, *VALID_ROWS, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = run_import(data, hr)

    assert result.created == 3
    assert Employee.objects.get(employee_no="E10001").name == "周杰"


def test_it_imports_a_csv_without_bom_and_with_only_the_required_columns(hr: User) -> None:
    data = csv_bytes("employee_no,name,department_code", "E10001,周杰,SALES", encoding="utf-8")

    assert run_import(data, hr).created == 1
    assert Employee.objects.get(employee_no="E10001").is_active


def test_it_imports_gb18030_names_with_rare_characters(hr: User) -> None:
    names = {
        "E10001": "王堃",
        "E10002": "李喆",
        "E10003": "张昇",
        "E10004": "朱镕基",
        "E10005": "刘䶮",
    }
    rows = [f"{number},{name},SALES,,,," for number, name in names.items()]
    data = csv_bytes(CHINESE_HEADER, *rows, encoding="gb18030")

    assert run_import(data, hr).created == 5
    imported = Employee.objects.filter(employee_no__in=names)
    assert dict(imported.values_list("employee_no", "name")) == names


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_it_refuses_a_csv_in_a_windows_latin_encoding_and_imports_nothing(
    hr: User, encoding: str
) -> None:
    before = roster()
    data = csv_bytes(
        "employee_no,name,department_code", "E10001,Müller Ångström,SALES", encoding=encoding
    )

    with translation.override("en"):
        [error] = rejected(data, hr)

    assert (error.row, error.field) == (None, None)
    assert error.message.startswith("Line 2 of the file")
    assert "UTF-8 (with or without BOM) and GB18030" in error.message
    assert roster() == before


def test_it_refuses_excel_unicode_text_in_utf16_naming_the_accepted_encodings(hr: User) -> None:
    data = "employee_no\tname\tdepartment_code\r\nE10001\t周杰\tSALES\r\n".encode("utf-16")

    with translation.override("en"):
        [error] = rejected(data, hr, "roster.txt")

    assert error.message.startswith("The file is in UTF-16, which cannot be imported.")
    assert "UTF-8 (with or without BOM) and GB18030" in error.message
    assert not Employee.objects.filter(employee_no="E10001").exists()


def test_it_imports_an_xlsx_workbook_with_excel_cell_types(hr: User) -> None:
    data = xlsx_bytes(
        [
            list(ROSTER_COLUMNS),
            [10001, "周杰", "SALES", "销售代表", datetime(2023, 4, 1), True, False],  # noqa: DTZ001
            [10002.0, " 吴芳 ", "MARKET", None, date(2021, 9, 15), 1, 0],
        ]
    )

    result = run_import(data, hr, "roster.xlsx")

    assert result.created == 2
    zhou = Employee.objects.get(employee_no="10001")
    assert zhou.hire_date == date(2023, 4, 1)
    assert zhou.is_active and not zhou.is_department_head
    wu = Employee.objects.get(employee_no="10002")
    assert (wu.name, wu.position, wu.hire_date) == ("吴芳", "", date(2021, 9, 15))


def test_it_reads_an_xlsx_by_its_content_whatever_its_name(hr: User) -> None:
    data = xlsx_bytes([["employee_no", "name", "department_code"], ["E10001", "周杰", "SALES"]])

    assert run_import(data, hr, "roster.csv").created == 1


def test_it_skips_empty_rows_and_counts_them_in_row_numbers(hr: User) -> None:
    data = csv_bytes(HEADER, "", VALID_ROWS[0], ",,,,,,", "E10009,,SALES")

    errors = rejected(data, hr)

    assert places(errors) == [(5, "name")]


def test_a_template_downloaded_from_the_site_imports_as_it_is(hr: User) -> None:
    csv_template = roster_template_csv()
    xlsx_template = roster_template_xlsx()

    assert csv_template.startswith(codecs.BOM_UTF8)
    assert csv_template.decode("utf-8-sig").splitlines()[0] == HEADER
    sheet = load_workbook(io.BytesIO(xlsx_template)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(ROSTER_COLUMNS)
    assert run_import(csv_template, hr, "template.csv").created == 1
    assert run_import(xlsx_template, hr, "template.xlsx").unchanged == 1


# -- Importing again --------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(hr: User) -> None:
    data = csv_bytes(HEADER, *VALID_ROWS)
    run_import(data, hr)
    before = roster()

    result = run_import(data, hr)

    assert result == ImportResult(created=0, updated=0, unchanged=3)
    assert roster() == before


def test_a_corrected_file_updates_the_employees_without_duplicating_them(hr: User) -> None:
    run_import(csv_bytes(HEADER, *VALID_ROWS), hr)
    count = Employee.objects.count()

    corrected = csv_bytes(
        HEADER,
        "e10001,周杰,MARKET,市场专员,2023-04-01,true,false",  # department changed, case differs
        VALID_ROWS[1],
        "E10003,郑凯,MARKET,,2020-01-02,否,0",  # hire date added
        "E10004,新员工,SALES,,,,",
    )
    result = run_import(corrected, hr)

    assert result == ImportResult(created=1, updated=2, unchanged=1)
    assert Employee.objects.count() == count + 1
    zhou = Employee.objects.get(employee_no__iexact="e10001")
    assert zhou.employee_no == "E10001"
    assert (zhou.department.code, zhou.position) == ("MARKET", "市场专员")
    assert Employee.objects.get(employee_no="E10003").hire_date == date(2020, 1, 2)


def test_a_corrected_file_can_change_and_clear_every_field(hr: User) -> None:
    run_import(csv_bytes(HEADER, *VALID_ROWS), hr)
    before = {e.employee_no: e.updated_at for e in Employee.objects.all()}

    result = run_import(
        csv_bytes(
            HEADER,
            "E10001,周杰伦,MARKET,,,false,true",
            "E10002,吴芳,SALES,销售经理,2022-10-08,true,false",
            VALID_ROWS[2],
        ),
        hr,
    )

    assert result == ImportResult(created=0, updated=2, unchanged=1)
    rows = {row[0]: row[1:7] for row in roster()}
    assert rows["E10001"] == ("周杰伦", "MARKET", "", None, False, True)
    assert rows["E10002"] == ("吴芳", "SALES", "销售经理", date(2022, 10, 8), True, False)
    assert rows["E10003"] == ("郑凯", "MARKET", "", None, False, False)
    after = {e.employee_no: e.updated_at for e in Employee.objects.all()}
    assert after["E10001"] > before["E10001"]
    assert after["E10003"] == before["E10003"]


def test_it_updates_employees_created_elsewhere_and_keeps_their_login(
    hr: User, personas: dict[str, User]
) -> None:
    result = run_import(csv_bytes(HEADER, "E00002,张伟,MARKET,市场专员,,,"), hr)

    assert result.updated == 1
    zhang = Employee.objects.get(employee_no="E00002")
    assert zhang.department.code == "MARKET"
    assert zhang.user == personas["employee"]


def test_it_never_deletes_employees_missing_from_the_file(hr: User) -> None:
    before = set(Employee.objects.values_list("employee_no", flat=True))

    run_import(csv_bytes(HEADER, VALID_ROWS[0]), hr)

    assert before < set(Employee.objects.values_list("employee_no", flat=True))


def test_a_column_left_out_of_the_file_keeps_the_existing_values(hr: User) -> None:
    run_import(csv_bytes(HEADER, *VALID_ROWS), hr)

    result = run_import(
        csv_bytes("employee_no,name,department_code", "E10001,周杰伦,SALES", "E10002,吴芳,MARKET"),
        hr,
    )

    assert result == ImportResult(created=0, updated=1, unchanged=1)
    zhou = Employee.objects.get(employee_no="E10001")
    assert (zhou.name, zhou.position, zhou.hire_date) == ("周杰伦", "销售代表", date(2023, 4, 1))
    assert Employee.objects.get(employee_no="E10002").is_department_head


# -- Files that are refused -------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("E10009,周杰,FOO,,,,", "department_code", "Unknown department “FOO”: give"),
        (",周杰,SALES,,,,", "employee_no", "Employee number is required."),
        (
            "E 1/2,周杰,SALES,,,,",
            "employee_no",
            "Employee number “E 1/2” may only contain letters, digits, “-” and “_”.",
        ),
        (
            f"{'E' * 33},周杰,SALES,,,,",
            "employee_no",
            "Employee number “EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE” is too long: "
            "at most 32 characters.",
        ),
        ("E10009,,SALES,,,,", "name", "Name is required."),
        ("E10009,   ,SALES,,,,", "name", "Name is required."),
        (f"E10009,{'名' * 101},SALES,,,,", "name", "at most 100 characters"),
        ("E10009,周杰,,,,,", "department_code", "Department code is required."),
        (f"E10009,周杰,SALES,{'岗' * 101},,,", "position", "at most 100 characters"),
        (
            "E10009,周杰,SALES,,2026-02-30,,",
            "hire_date",
            "Hire date “2026-02-30” is not a valid date. Use YYYY-MM-DD, for example 2024-03-01.",
        ),
        ("E10009,周杰,SALES,,next week,,", "hire_date", "Hire date “next week” is not"),
        ("E10009,周杰,SALES,,01/03/2024,,", "hire_date", "Hire date “01/03/2024” is not"),
        ("E10009,周杰,SALES,,２０２４-03-01,,", "hire_date", "Hire date “２０２４-03-01” is not"),
        ("E10009,周杰,SALES,,٢٠٢٤-03-01,,", "hire_date", "Hire date “٢٠٢٤-03-01” is not"),
        ("E10009,周杰,SALES,,2024-0３-01,,", "hire_date", "Hire date “2024-0３-01” is not"),
        ("E10009,周杰,SALES,,,١,", "active", "Active “١” must be yes or no"),
        (
            "E10009,周杰,SALES,,,maybe,",
            "active",
            "Active “maybe” must be yes or no: use true/false, yes/no, 1/0 or 是/否.",
        ),
        ("E10009,周杰,SALES,,,,2", "is_department_head", "Department head “2” must be yes or no"),
    ],
)
def test_it_rejects_a_bad_row_naming_the_row_and_the_field(
    hr: User, row: str, field: str, message: str
) -> None:
    before = roster()

    with translation.override("en"):
        errors = rejected(csv_bytes(HEADER, VALID_ROWS[0], row), hr)

    assert places(errors) == [(3, field)]
    assert message in errors[0].message
    assert roster() == before


def test_it_rejects_an_employee_number_given_twice_naming_both_rows(hr: User) -> None:
    before = roster()
    data = csv_bytes(HEADER, *VALID_ROWS, "e10002,吴芳芳,SALES,,,,")

    with translation.override("en"):
        errors = rejected(data, hr)

    assert places(errors) == [(5, "employee_no")]
    assert errors[0].message == "Employee number “e10002” also appears in row 3."
    assert roster() == before


def test_it_reports_every_problem_of_every_row_sorted_by_row(hr: User) -> None:
    before = roster()
    data = csv_bytes(
        HEADER,
        "E10009,周杰,FOO,,yesterday,,",
        VALID_ROWS[0],
        ",,SALES,,,maybe,",
        "E10009,王五,SALES,,,,",
    )

    errors = rejected(data, hr)

    assert places(errors) == [
        (2, "department_code"),
        (2, "hire_date"),
        (4, "employee_no"),
        (4, "name"),
        (4, "active"),
        (5, "employee_no"),
    ]
    assert roster() == before


def test_it_names_the_columns_as_written_in_a_chinese_header(hr: User) -> None:
    errors = rejected(csv_bytes(CHINESE_HEADER, "E10009,周杰,FOO,,,,"), hr)

    assert places(errors) == [(2, "部门编码")]


def test_it_rejects_a_value_in_a_column_without_a_header(hr: User) -> None:
    with translation.override("en"):
        errors = rejected(csv_bytes("employee_no,name,department_code", "E10009,周杰,SALES,x"), hr)

    assert places(errors) == [(2, None)]
    assert "“x”" in errors[0].message


def test_it_rejects_an_unknown_column_naming_it(hr: User) -> None:
    before = roster()

    with translation.override("en"):
        errors = rejected(csv_bytes(HEADER + ",salary", VALID_ROWS[0] + ",9000"), hr)

    assert places(errors) == [(1, "salary")]
    assert errors[0].message.startswith("Unknown column “salary”. The columns are: employee_no,")
    assert roster() == before


@pytest.mark.parametrize(
    ("header", "row", "missing"),
    [
        ("employee_no,name", "E10009,周杰", "department_code"),
        ("员工编号,部门编码", "E10009,SALES", "姓名"),
    ],
)
def test_it_rejects_a_file_missing_a_required_column(
    hr: User, header: str, row: str, missing: str
) -> None:
    before = roster()

    with translation.override("en"):
        errors = rejected(csv_bytes(header, row), hr)

    assert places(errors) == [(1, missing)]
    assert errors[0].message == f"Required column “{missing}” is missing."
    assert roster() == before


def test_it_rejects_a_column_given_twice(hr: User) -> None:
    errors = rejected(csv_bytes("employee_no,name,department_code,姓名", "E1,a,SALES,b"), hr)

    assert places(errors) == [(1, "姓名")]


def _zip(**files: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "roster.pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "roster.png"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "roster.xls"),
        (_zip(word__document_xml=b"<w:document/>"), "roster.xlsx"),
        (b"PK\x03\x04 this is not really a zip archive", "roster.xlsx"),
        (_zip(**{"[Content_Types].xml": b"<x/>", "xl__workbook_xml": b"broken"}), "roster.xlsx"),
        (bytes(range(256)) * 8, "roster.csv"),
    ],
    ids=["pdf", "image", "xls", "docx-like zip", "broken zip", "broken xlsx", "binary"],
)
def test_it_rejects_a_file_that_is_not_csv_or_xlsx(hr: User, data: bytes, filename: str) -> None:
    before = roster()

    with translation.override("en"):
        errors = rejected(data, hr, filename)

    assert places(errors) == [(None, None)]
    assert "CSV" in errors[0].message
    assert roster() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n , \r\n", "The file is empty."),
        (csv_bytes(HEADER), "The file has a header row but no employee rows."),
    ],
    ids=["no bytes", "only blanks", "header only"],
)
def test_it_rejects_a_file_without_employees(hr: User, data: bytes, message: str) -> None:
    with translation.override("en"):
        errors = rejected(data, hr)

    assert errors == [RowError(row=None, field=None, message=message)]


def test_it_rejects_a_file_over_the_upload_limit(hr: User) -> None:
    before = roster()
    data = csv_bytes(HEADER, *VALID_ROWS)
    data += b" " * (5 * 1024 * 1024 + 1 - len(data))

    with translation.override("en"):
        errors = rejected(data, hr)

    assert errors == [RowError(None, None, "The file is too large: at most 5 MB.")]
    assert roster() == before


class _UnreadableUpload(SimpleUploadedFile):
    def chunks(self, chunk_size: int | None = None) -> Any:
        raise AssertionError("the file was read")


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_it_refuses_an_uploaded_file_over_the_limit_before_reading_it(hr: User) -> None:
    upload = _UnreadableUpload("roster.csv", b"x" * 1025, content_type="text/csv")

    with pytest.raises(ImportRejected) as info:
        employee_import(file=upload, filename=upload.name or "", actor=hr)

    assert places(info.value.errors) == [(None, None)]


def test_it_reads_an_uploaded_file(hr: User) -> None:
    upload = SimpleUploadedFile("roster.csv", csv_bytes(HEADER, *VALID_ROWS))

    assert employee_import(file=upload, filename="roster.csv", actor=hr).created == 3


def test_it_rejects_a_file_with_too_many_rows(hr: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_module, "MAX_ROWS", 2)

    with translation.override("en"):
        errors = rejected(csv_bytes(HEADER, *VALID_ROWS), hr)

    assert errors == [
        RowError(None, None, "The file has more than 2 employee rows. Split it into smaller files.")
    ]
    assert not Employee.objects.filter(employee_no__startswith="E1000").exists()


def test_it_rejects_a_workbook_that_unpacks_too_far_and_imports_nothing(hr: User) -> None:
    before = roster()
    data = bomb([list(ROSTER_COLUMNS), ["E10001", "周杰", "SALES"]], unpacked=90 * 1024 * 1024)

    with translation.override("en"):
        [error] = rejected(data, hr, "roster.xlsx")

    assert (error.row, error.field) == (None, None)
    assert "xl/sharedStrings.xml" in error.message and "8 MB" in error.message
    assert roster() == before


def test_it_rejects_a_workbook_whose_parts_lie_about_their_size(hr: User) -> None:
    before = roster()
    data = bomb([list(ROSTER_COLUMNS), ["E10001", "周杰", "SALES"]], unpacked=20 * 1024 * 1024)
    data = declare_size(data, SHARED_STRINGS, 100)

    with translation.override("en"):
        [error] = rejected(data, hr, "roster.xlsx")

    assert "xl/sharedStrings.xml" in error.message and "8 MB" in error.message
    assert roster() == before


def test_it_rejects_bad_cells_in_an_xlsx_workbook(hr: User) -> None:
    data = xlsx_bytes(
        [
            list(ROSTER_COLUMNS),
            ["E10001", "周杰", "SALES", None, 45000, "maybe", None],
            ["E10002.5", "吴芳", "NOPE", None, None, None, None],
        ]
    )

    errors = rejected(data, hr, "roster.xlsx")

    assert places(errors) == [
        (2, "hire_date"),
        (2, "active"),
        (3, "employee_no"),
        (3, "department_code"),
    ]


UNKNOWN_DEPARTMENT = (
    "Unknown department “%(value)s”: give a department's code, or its Chinese or English name "
    "as the catalogue writes it."
)


def test_error_messages_follow_the_active_language(hr: User) -> None:
    data = csv_bytes(CHINESE_HEADER, "E10009,周杰,FOO,,,,")

    with translation.override("en"):
        english = rejected(data, hr)
    with translation.override("zh-hans"):
        chinese = rejected(data, hr)
        expected = translation.gettext(UNKNOWN_DEPARTMENT) % {"value": "FOO"}

    assert english == [RowError(2, "部门编码", UNKNOWN_DEPARTMENT % {"value": "FOO"})]
    assert chinese == [RowError(2, "部门编码", expected)]
    assert "FOO" in chinese[0].message


# -- Who may import, and how fast -------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_may_import_the_roster(personas: dict[str, User], persona: str) -> None:
    before = roster()

    with pytest.raises(PermissionDenied):
        run_import(csv_bytes(HEADER, *VALID_ROWS), personas[persona])

    assert roster() == before


def test_an_anonymous_user_may_not_import_the_roster(departments: dict[str, Department]) -> None:
    with pytest.raises(PermissionDenied):
        employee_import(
            file=io.BytesIO(csv_bytes(HEADER, *VALID_ROWS)),
            filename="roster.csv",
            actor=AnonymousUser(),
        )


def test_a_large_file_imports_with_a_fixed_number_of_queries(
    hr: User, django_assert_max_num_queries: Any
) -> None:
    rows = [
        f"N{n:05d},员工{n},{'SALES' if n % 2 else 'MARKET'},专员,2020-01-01,1,0"
        for n in range(10_000)
    ]
    data = csv_bytes(HEADER, *rows)

    # No query per row: a few per batch of inserts or updates (SQLite allows 999 parameters
    # per query, so about 110 rows a batch there; PostgreSQL takes 1 000 rows a batch).
    with django_assert_max_num_queries(120):
        assert run_import(data, hr).created == 10_000

    changed = [row.replace("专员", "主管") if n % 3 == 0 else row for n, row in enumerate(rows)]
    with django_assert_max_num_queries(40):
        result = run_import(csv_bytes(HEADER, *changed), hr)

    assert result == ImportResult(created=0, updated=3334, unchanged=6666)
    assert Employee.objects.filter(position="主管").count() == 3334


# -- A department by its name ------------------------------------------------------------


@pytest.mark.parametrize("written", ["销售部", " 销售部 ", "Sales Department", "sales", "SALES"])
def test_a_department_is_found_by_its_code_or_either_name(hr: User, written: str) -> None:
    result = run_import(csv_bytes(HEADER, f'E10001,周杰,"{written}",,,,'), hr)

    assert result == ImportResult(created=1, updated=0, unchanged=0)
    assert Employee.objects.get(employee_no="E10001").department.code == "SALES"


@pytest.mark.parametrize("header", ["员工编号,姓名,部门", "employee_no,name,department"])
def test_the_department_column_may_be_headed_department(hr: User, header: str) -> None:
    run_import(csv_bytes(header, "E10001,周杰,市场部"), hr)

    assert Employee.objects.get(employee_no="E10001").department.code == "MARKET"


def test_a_name_is_matched_exactly_not_loosely(hr: User) -> None:
    with translation.override("en"):
        errors = rejected(
            csv_bytes(HEADER, "E10001,周杰,销售,,,,", "E10002,吴芳,sales dept,,,,"), hr
        )

    assert [(error.row, error.field, error.value) for error in errors] == [
        (2, "department_code", "销售"),
        (3, "department_code", "sales dept"),
    ]
    assert errors[0].message == UNKNOWN_DEPARTMENT % {"value": "销售"}
    assert not Employee.objects.filter(employee_no__in=["E10001", "E10002"]).exists()


def test_a_name_two_departments_bear_is_refused_naming_row_and_value(
    hr: User, departments: dict[str, Department]
) -> None:
    Department.objects.create(
        code="SALES_EAST",
        seq=3,
        name_zh="销售部",
        name_en="Sales East",
        head_position_zh="华东销售经理",
        head_position_en="Sales Manager East",
        source="seed",
    )
    with translation.override("en"):
        errors = rejected(csv_bytes(HEADER, "E10001,周杰,SALES,,,,", "E10002,吴芳,销售部,,,,"), hr)

    assert [(error.row, error.field, error.value) for error in errors] == [
        (3, "department_code", "销售部")
    ]
    assert "“销售部” is ambiguous: SALES, SALES_EAST bear it" in errors[0].message
    assert not Employee.objects.filter(employee_no="E10001").exists()  # all or nothing
