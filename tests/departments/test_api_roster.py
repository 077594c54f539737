"""The roster over the API: listing, adding, changing and importing employees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from departments.models import Employee
from tests.helpers.api import API, error_of, field_names

EMPLOYEES = f"{API}employees/"
IMPORT = f"{API}employees/import"
HEADER = "employee_no,name,department_code,position,hire_date,active,is_department_head"
NEW = {"employee_no": "E00100", "name": "周杰", "department": "MARKET", "position": "市场专员"}


def roster_file(*lines: str, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Employee.objects.order_by("pk").values_list(
            "employee_no", "name", "department__code", "position", "is_active"
        )
    )


# -- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "employees/"),
        ("POST", "employees/"),
        ("GET", "employees/E00002/"),
        ("PATCH", "employees/E00002/"),
        ("POST", "employees/import"),
    ],
)
def test_the_roster_is_closed_to_payroll_tokens_and_anonymous_callers(
    call_as, personas, method, path
) -> None:
    before = snapshot()
    error_of(call_as("token:payroll", method, f"{API}{path}", {}), 403, "insufficient_scope")
    error_of(call_as(None, method, f"{API}{path}", {}), 401, "not_authenticated")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
        (None, 401),
        ("token:payroll", 403),
        ("token:hr", 200),
    ],
)
def test_who_may_list_the_roster(call_as: Callable[..., Any], personas, persona, status) -> None:
    assert call_as(persona, "GET", EMPLOYEES).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 201),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
        (None, 401),
        ("token:payroll", 403),
        ("token:hr", 201),
    ],
)
def test_who_may_add_an_employee(call_as: Callable[..., Any], personas, persona, status) -> None:
    assert call_as(persona, "POST", EMPLOYEES, NEW).status_code == status
    assert Employee.objects.filter(employee_no="E00100").exists() == (status == 201)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 404),
        ("other_employee", 404),
        ("outsider", 404),
        (None, 401),
        ("token:payroll", 403),
    ],
)
def test_who_may_read_an_employee(call_as: Callable[..., Any], personas, persona, status) -> None:
    assert call_as(persona, "GET", f"{EMPLOYEES}E00002/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 404),
        ("other_employee", 404),
        ("outsider", 404),
        (None, 401),
        ("token:payroll", 403),
        ("token:hr", 200),
    ],
)
def test_who_may_change_an_employee(call_as: Callable[..., Any], personas, persona, status) -> None:
    response = call_as(persona, "PATCH", f"{EMPLOYEES}E00002/", {"position": "销售主管"})
    assert response.status_code == status
    changed = Employee.objects.get(employee_no="E00002").position == "销售主管"
    assert changed == (status == 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
        (None, 401),
        ("token:payroll", 403),
        ("token:hr", 200),
    ],
)
def test_who_may_import_the_roster(api_client_for, token_client, personas, persona, status) -> None:
    if persona is not None and persona.startswith("token:"):
        client = token_client(persona.removeprefix("token:"))
    else:
        client = api_client_for(persona)
    upload = roster_file(HEADER, "E00200,吴磊,SALES,销售代表,2024-01-02,true,false")
    response = client.post(IMPORT, {"file": upload}, format="multipart")
    assert response.status_code == status
    assert Employee.objects.filter(employee_no="E00200").exists() == (status == 200)


def test_the_head_of_a_department_lists_only_their_own(call_as, personas) -> None:
    rows = call_as("head", "GET", EMPLOYEES).json()["results"]
    assert [row["employee_no"] for row in rows] == ["E00001", "E00002"]
    assert call_as("head", "GET", EMPLOYEES, {"department": "MARKET"}).json()["results"] == []
    error_of(call_as("head", "GET", f"{EMPLOYEES}E00003/"), 404, "not_found")


# -- listing -----------------------------------------------------------------------------------


def test_it_lists_the_roster_with_department_names(call_as, personas) -> None:
    body = call_as("director", "GET", EMPLOYEES).json()
    assert body["next"] is None
    assert [row["employee_no"] for row in body["results"]] == ["E00001", "E00002", "E00003"]
    assert body["results"][2] == {
        "employee_no": "E00003",
        "name": "李娜",
        "department": "MARKET",
        "department_name": {"zh": "市场部", "en": "Marketing Department"},
        "position": "市场专员",
        "hire_date": None,
        "is_active": True,
        "is_department_head": False,
    }


@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({"q": "张"}, ["E00002"]),
        ({"q": "e0000"}, ["E00001", "E00002", "E00003"]),
        ({"department": "market"}, ["E00003"]),
        ({"active": "false"}, ["E00002"]),
        ({"active": "true", "department": "SALES"}, ["E00001"]),
    ],
)
def test_it_filters_the_roster(call_as, personas, params, numbers) -> None:
    Employee.objects.filter(employee_no="E00002").update(is_active=False)
    rows = call_as("hr", "GET", EMPLOYEES, params).json()["results"]
    assert [row["employee_no"] for row in rows] == numbers


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department": "NOPE"}, "department"),
        ({"active": "maybe"}, "active"),
        ({"page_size": "0"}, "page_size"),
        ({"cursor": "garbled"}, "cursor"),
    ],
)
def test_it_rejects_bad_filters(call_as, personas, params, field) -> None:
    error = error_of(call_as("hr", "GET", EMPLOYEES, params), 400)
    assert field_names(error) == [field]


def test_it_pages_through_the_roster_by_cursor(call_as, api_client_for, personas) -> None:
    client = api_client_for("hr")
    seen: list[str] = []
    body = client.get(EMPLOYEES, {"page_size": 2}).json()
    pages = 1
    seen += [row["employee_no"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["employee_no"] for row in body["results"]]
        pages += 1
    assert (seen, pages) == (["E00001", "E00002", "E00003"], 2)


# -- adding and changing -----------------------------------------------------------------------


def test_hr_adds_an_employee(call_as, personas) -> None:
    response = call_as("hr", "POST", EMPLOYEES, {**NEW, "hire_date": "2026-07-01"})
    assert response.status_code == 201, response.content
    assert response.json()["department_name"]["zh"] == "市场部"
    employee = Employee.objects.get(employee_no="E00100")
    assert (employee.name, employee.department.code, str(employee.hire_date)) == (
        "周杰",
        "MARKET",
        "2026-07-01",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "employee_no": "e00002"}, "employee_no"),  # taken, ignoring case
        ({**NEW, "employee_no": "E 01"}, "employee_no"),
        ({**NEW, "name": ""}, "name"),
        ({**NEW, "department": "NOPE"}, "department"),
        ({**NEW, "hire_date": "2026-13-01"}, "hire_date"),
        ({**NEW, "is_active": "perhaps"}, "is_active"),
        ({**NEW, "is_active": "true"}, "is_active"),  # a yes/no is true or false, not text
        ({**NEW, "name": 42}, "name"),  # text is text, not a number
        ({key: value for key, value in NEW.items() if key != "name"}, "name"),
        ({**NEW, "employee_no": ["E1"]}, "employee_no"),
    ],
)
def test_it_refuses_a_bad_employee_and_saves_nothing(call_as, personas, body, field) -> None:
    before = snapshot()
    error = error_of(call_as("hr", "POST", EMPLOYEES, body), 400, "invalid")
    assert field in field_names(error)
    assert snapshot() == before


def test_hr_changes_only_the_fields_given(call_as, personas) -> None:
    response = call_as("hr", "PATCH", f"{EMPLOYEES}e00002/", {"department": "MARKET"})
    assert response.status_code == 200, response.content
    employee = Employee.objects.get(employee_no="E00002")
    assert (employee.department.code, employee.name, employee.position) == (
        "MARKET",
        "张伟",
        "销售代表",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"employee_no": "E00003"}, "employee_no"),
        ({"name": ""}, "name"),
        ({"department": "NOPE"}, "department"),
    ],
)
def test_it_refuses_a_bad_change_and_saves_nothing(call_as, personas, body, field) -> None:
    before = snapshot()
    error = error_of(call_as("hr", "PATCH", f"{EMPLOYEES}E00002/", body), 400, "invalid")
    assert field_names(error) == [field]
    assert snapshot() == before


def test_an_unknown_employee_is_not_found(call_as, personas) -> None:
    error_of(call_as("hr", "PATCH", f"{EMPLOYEES}E99999/", {"name": "x"}), 404, "not_found")


# -- importing ---------------------------------------------------------------------------------


def test_hr_imports_a_roster(api_client_for, personas) -> None:
    upload = roster_file(
        HEADER,
        "E00200,吴磊,SALES,销售代表,2024-01-02,true,false",
        "E00002,张伟,SALES,销售主管,,true,false",
    )
    response = api_client_for("hr").post(IMPORT, {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 0}
    assert Employee.objects.get(employee_no="E00002").position == "销售主管"


def test_a_roster_with_a_bad_row_is_refused_whole_naming_row_and_column(
    api_client_for, personas
) -> None:
    before = snapshot()
    upload = roster_file(
        HEADER,
        "E00200,吴磊,SALES,销售代表,2024-01-02,true,false",
        "E00201,郑爽,NOPE,销售代表,2024-13-02,true,false",
    )
    response = api_client_for("hr").post(IMPORT, {"file": upload}, format="multipart")
    error = error_of(response, 400, "invalid")
    assert [(item["row"], item["field"]) for item in error["fields"]] == [
        (3, "department_code"),
        (3, "hire_date"),
    ]
    assert snapshot() == before


def test_an_import_without_a_file_names_the_file(api_client_for, personas) -> None:
    response = api_client_for("hr").post(IMPORT, {}, format="multipart")
    error = error_of(response, 400, "invalid")
    assert field_names(error) == ["file"]


def test_an_empty_file_is_refused(api_client_for, personas) -> None:
    upload = SimpleUploadedFile("roster.csv", b"")
    error = error_of(api_client_for("hr").post(IMPORT, {"file": upload}, format="multipart"), 400)
    assert [(item["field"], item["row"]) for item in error["fields"]] == [("file", None)]


def test_an_import_sent_as_json_is_unsupported(call_as, personas) -> None:
    error_of(call_as("hr", "POST", IMPORT, {"file": "x"}), 415, "unsupported_media_type")
