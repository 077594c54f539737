"""The roster import page (/roster/import/) and the template download (/roster/template/)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from departments.models import Employee
from departments.roster import ROSTER_COLUMNS

URL = reverse("departments:roster_import")
TEMPLATE_URL = reverse("departments:roster_template")
ROSTER_URL = reverse("departments:roster")
HEADER = "employee_no,name,department_code,position,hire_date,active,is_department_head"
ClientFor = Callable[[str | None], Client]


def english(client: Client) -> Client:
    """Interface strings are checked in English, so the tests do not depend on translations."""
    client.cookies["django_language"] = "en"
    return client


def csv_file(*lines: str, name: str = "roster.csv") -> SimpleUploadedFile:
    data = ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8-sig")
    return SimpleUploadedFile(name, data, content_type="text/csv")


def error_rows(response) -> list[tuple[str, str, str]]:
    """(row, column, message) of each row of the error table, tags stripped."""
    html = response.content.decode()
    table = re.search(r'<table class="errors-table">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert table is not None, "no error table"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def test_it_redirects_anonymous_visitors_to_the_login_page(client_for: ClientFor) -> None:
    for url in (URL, TEMPLATE_URL):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_it_is_shown_to_hr_only(client_for: ClientFor, persona: str, status: int) -> None:
    assert client_for(persona).get(URL).status_code == status
    assert client_for(persona).get(TEMPLATE_URL, {"format": "csv"}).status_code == status


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_it_refuses_an_upload_from_anyone_but_hr(client_for: ClientFor, persona: str) -> None:
    response = client_for(persona).post(URL, {"file": csv_file("E09001,赵六,SALES,,,,")})
    assert response.status_code == 403
    assert not Employee.objects.filter(employee_no="E09001").exists()


def test_it_shows_the_form_the_template_links_and_the_columns(client_for: ClientFor) -> None:
    html = english(client_for("hr")).get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'accept=".csv,.xlsx"' in html
    assert f'href="{TEMPLATE_URL}?format=csv"' in html
    assert f'href="{TEMPLATE_URL}?format=xlsx"' in html
    for column in ROSTER_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert "员工编号" in html


def test_it_serves_the_template_as_csv(client_for: ClientFor) -> None:
    response = client_for("hr").get(TEMPLATE_URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="roster-template.csv"' in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").splitlines()[0] == ",".join(ROSTER_COLUMNS)


def test_it_serves_the_template_as_excel(client_for: ClientFor) -> None:
    response = client_for("hr").get(TEMPLATE_URL, {"format": "xlsx"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="roster-template.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(ROSTER_COLUMNS)


def test_it_answers_404_for_an_unknown_template_format(client_for: ClientFor) -> None:
    assert client_for("hr").get(TEMPLATE_URL, {"format": "pdf"}).status_code == 404


def test_it_imports_a_csv_and_reports_the_counts_on_the_roster(client_for: ClientFor) -> None:
    response = english(client_for("hr")).post(
        URL,
        {
            "file": csv_file(
                "E09001,赵六,SALES,销售代表,2024-03-01,true,false",
                "E09002,钱七,MARKET,市场专员,,,",
                "E00002,张伟,SALES,高级销售代表,,true,false",  # an update
                "E00003,李娜,MARKET,市场专员,,true,false",  # unchanged
            )
        },
        follow=True,
    )
    assert response.redirect_chain == [(ROSTER_URL, 302)]
    html = response.content.decode()
    assert "Imported: 2 new, 1 updated, 1 unchanged." in html
    assert 'data-employee="E09001"' in html
    assert Employee.objects.get(employee_no="E09002").department.code == "MARKET"
    assert Employee.objects.get(employee_no="E00002").position == "高级销售代表"


def test_it_imports_an_excel_workbook(client_for: ClientFor) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(ROSTER_COLUMNS))
    sheet.append(["E09003", "孙八", "SALES", "销售代表", None, "是", "否"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("roster.xlsx", buffer.getvalue())
    response = english(client_for("hr")).post(URL, {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == ROSTER_URL
    assert Employee.objects.filter(employee_no="E09003", name="孙八").exists()


def test_it_lists_every_problem_by_row_and_column_and_saves_nothing(
    client_for: ClientFor,
) -> None:
    before = list(Employee.objects.values_list("employee_no", "name", "position"))
    response = english(client_for("hr")).post(
        URL,
        {
            "file": csv_file(
                "E09001,赵六,SALES,销售代表,,,",
                "E09002,,NOPE,,2024-13-01,,",
                "E00002,张伟,SALES,高级销售代表,,maybe,",
            )
        },
    )
    assert response.status_code == 200
    rows = error_rows(response)
    assert [(row, column) for row, column, _message in rows] == [
        ("3", "name"),
        ("3", "department_code"),
        ("3", "hire_date"),
        ("4", "active"),
    ]
    assert "NOPE" in rows[1][2]
    assert "Nothing was saved." in response.content.decode()
    assert list(Employee.objects.values_list("employee_no", "name", "position")) == before


def test_it_shows_a_problem_with_the_whole_file_without_a_row(client_for: ClientFor) -> None:
    upload = SimpleUploadedFile("notes.csv", b"\xef\xbb\xbf\r\n")
    response = english(client_for("hr")).post(URL, {"file": upload})
    assert response.status_code == 200
    assert error_rows(response) == [("File", "—", "The file is empty.")]


def test_it_explains_a_file_that_is_not_a_roster(client_for: ClientFor) -> None:
    upload = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    response = english(client_for("hr")).post(URL, {"file": upload})
    assert response.status_code == 200
    assert error_rows(response) == [("File", "—", "The file is not a CSV or Excel (.xlsx) file.")]


def test_it_asks_for_a_file_when_none_is_chosen(client_for: ClientFor) -> None:
    response = english(client_for("hr")).post(URL, {})
    assert response.status_code == 200
    assert "Choose a CSV or Excel file to import." in response.content.decode()


def test_it_refuses_a_file_over_the_size_limit_with_a_clear_message(
    client_for: ClientFor,
) -> None:
    line = "E09001,赵六,SALES,销售代表,2024-03-01,true,false\r\n".encode()
    data = HEADER.encode() + b"\r\n" + line * (settings.MAX_UPLOAD_BYTES // len(line) + 1)
    assert len(data) > settings.MAX_UPLOAD_BYTES
    response = english(client_for("hr")).post(URL, {"file": SimpleUploadedFile("big.csv", data)})
    assert response.status_code == 200
    assert "The file is too large: at most 5 MB." in response.content.decode()
    assert not Employee.objects.filter(employee_no="E09001").exists()


def test_it_stops_storing_an_oversized_upload_at_the_limit(client_for: ClientFor) -> None:
    stored: list[int] = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self: TemporaryFileUploadHandler, raw_data: bytes, start: int) -> bytes | None:
        stored.append(len(raw_data))
        return original(self, raw_data, start)

    data = b"x" * (3 * settings.MAX_UPLOAD_BYTES)
    with mock.patch.object(TemporaryFileUploadHandler, "receive_data_chunk", counting):
        response = english(client_for("hr")).post(URL, {"file": SimpleUploadedFile("a.csv", data)})
    assert "The file is too large: at most 5 MB." in response.content.decode()
    assert sum(stored) <= settings.MAX_UPLOAD_BYTES


@override_settings(MAX_UPLOAD_BYTES=1024 * 1024)
def test_it_takes_the_size_limit_from_the_settings(client_for: ClientFor) -> None:
    lines = [f"E{number:05d},员工{number},SALES,,,," for number in range(10_000, 60_000)]
    upload = csv_file(*lines)
    assert 1024 * 1024 < len(upload.read()) < 5 * 1024 * 1024
    upload.seek(0)
    response = english(client_for("hr")).post(URL, {"file": upload})
    assert response.status_code == 200
    assert "The file is too large: at most 1 MB." in response.content.decode()
    assert not Employee.objects.filter(employee_no="E10000").exists()


def test_it_refuses_an_upload_without_the_csrf_token(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["hr"])
    response = client.post(URL, {"file": csv_file("E09001,赵六,SALES,,,,")})
    assert response.status_code == 403
    assert not Employee.objects.filter(employee_no="E09001").exists()


def test_it_accepts_an_upload_with_the_csrf_token(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["hr"])
    page = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        URL, {"csrfmiddlewaretoken": token.group(1), "file": csv_file("E09001,赵六,SALES,,,,")}
    )
    assert response.status_code == 302
    assert Employee.objects.filter(employee_no="E09001").exists()


ERRORS_URL = reverse("departments:roster_import_errors")


def test_the_problems_of_a_refused_file_download_as_csv(client_for: ClientFor) -> None:
    client = english(client_for("hr"))
    response = client.post(
        URL, {"file": csv_file("E09001,赵六,SALES,,,,", "E09002,,NOPE,,,,", "=1+2,钱七,市场部,,,,")}
    )
    assert 'data-testid="import-errors-download"' in response.content.decode()
    assert f'href="{ERRORS_URL}"' in response.content.decode()
    download = client.get(ERRORS_URL)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "roster-import-errors.csv" in download["Content-Disposition"]
    assert download.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Column", "Value", "Problem"]
    assert [row[:3] for row in rows[1:]] == [
        ["3", "name", ""],
        ["3", "department_code", "NOPE"],
        ["4", "employee_no", "'=1+2"],  # a formula stays text in Excel
    ]
    assert "NOPE" in rows[2][3]


def test_the_download_is_gone_once_a_file_is_imported(client_for: ClientFor) -> None:
    client = english(client_for("hr"))
    client.post(URL, {"file": csv_file("E09002,,NOPE,,,,")})
    assert client.get(ERRORS_URL).status_code == 200
    assert client.post(URL, {"file": csv_file("E09001,赵六,销售部,,,,")}).status_code == 302
    assert client.get(ERRORS_URL).status_code == 404


@pytest.mark.parametrize("persona", ["director", "head", "employee", "other_employee", "outsider"])
def test_only_hr_downloads_the_problems(client_for: ClientFor, persona: str) -> None:
    assert client_for(persona).get(ERRORS_URL).status_code == 403


def test_the_columns_help_says_a_department_name_will_do(client_for: ClientFor) -> None:
    html = english(client_for("hr")).get(URL).content.decode()
    assert "or its Chinese or English name as the catalogue writes it" in html
