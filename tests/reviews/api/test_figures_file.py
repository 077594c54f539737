"""The quarter's figures file over the API (reviews.api.figures_file): the template streamed
in both formats, the file imported back (multipart), all or nothing with each problem named by
its row in the file and its column, who may."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reviews.models import ReviewKpiLine
from tests.helpers.api import API, OUTSIDE, PERIOD, PERSONAS, error_of

TEMPLATE = f"{API}cycles/{PERIOD}/figures"
IMPORT = f"{API}cycles/{PERIOD}/figures/import"


def _client(api_client_for, token_client, persona: str | None) -> APIClient:
    if persona is not None and persona.startswith("token:"):
        return token_client(persona.removeprefix("token:"))
    return api_client_for(persona)


def _download(client: APIClient, file_format: str) -> bytes:
    response: Any = client.get(f"{TEMPLATE}.{file_format}")  # a streaming response
    assert response.status_code == 200
    assert response.streaming
    assert f'filename="figures-{PERIOD}.{file_format}"' in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def _upload(client: APIClient, content: bytes, name: str):
    return client.post(IMPORT, {"file": _named(content, name)}, format="multipart")


def _named(content: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _figures() -> dict[int, tuple[object, object]]:
    return {
        pk: (target, actual)
        for pk, target, actual in ReviewKpiLine.objects.values_list("pk", "target", "actual")
    }


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_template_comes_back_unchanged(api_quarter, api_client_for, file_format):
    client = api_client_for("hr")
    content = _download(client, file_format)
    lines = ReviewKpiLine.objects.filter(review__cycle=api_quarter.cycle).count()
    if file_format == "xlsx":
        rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == lines + 1
    before = _figures()
    response = _upload(client, content, f"figures.{file_format}")
    assert response.status_code == 200, response.json()
    assert response.json() == {"updated": 0, "created": 0, "unchanged": lines, "reviews": 0}
    assert _figures() == before


def test_an_import_sets_figures_and_names_each_bad_row(api_quarter, api_client_for):
    client = api_client_for("hr")
    head = ReviewKpiLine.objects.filter(review=api_quarter.head).order_by("order")[0]
    number = api_quarter.head.employee.employee_no
    good = f"employee_no,kpi_code,actual\r\n{number},{head.code},77\r\n".encode()
    response = _upload(client, good, "figures.csv")
    assert response.status_code == 200, response.json()
    assert response.json()["updated"] == 1
    head.refresh_from_db()
    assert str(head.actual) == "77.0000"
    bad = f"employee_no,kpi_code,actual\r\n{number},{head.code},66\r\nE99999,X,1\r\n"
    bad += f"{number},{head.code},-1\r\n"
    error = error_of(_upload(client, bad.encode(), "figures.csv"), 400)
    found = {(item["row"], item["field"]) for item in error["fields"]}
    assert {(3, "employee_no"), (4, "kpi_code")} <= found
    head.refresh_from_db()
    assert str(head.actual) == "77.0000"


def test_a_file_that_is_no_table_is_refused(api_quarter, api_client_for):
    client = api_client_for("hr")
    error = error_of(_upload(client, b"%PDF-1.4 binary", "figures.xlsx"), 400)
    assert error["fields"][0]["field"] == "file"
    missing = client.post(IMPORT, {}, format="multipart")
    assert error_of(missing, 400)["fields"][0]["field"] == "file"


def test_a_file_over_the_figures_limit_is_refused(api_quarter, api_client_for, settings):
    settings.FIGURES_MAX_UPLOAD_BYTES = 1024 * 1024
    client = api_client_for("hr")
    body = b"employee_no,kpi_code,actual\r\n" + b"," * 1_200_000
    error = error_of(_upload(client, body, "f.csv"), 413, "too_large")
    assert " 1 MB" in error["message"]  # the figures file's limit, not the 5 MB of the rest


@pytest.mark.parametrize("caller", (*PERSONAS, *OUTSIDE, "token:hr"))
def test_only_hr_downloads_and_imports(api_quarter, api_client_for, token_client, caller):
    client = _client(api_client_for, token_client, caller)
    allowed = caller in ("hr", "token:hr")
    download = client.get(f"{TEMPLATE}.csv")
    assert (download.status_code == 200) is allowed
    response = _upload(client, b"employee_no,kpi_code,actual\r\n", "figures.csv")
    assert response.status_code in ((400,) if allowed else (401, 403, 404))


def test_an_unknown_format_is_not_found(api_quarter, api_client_for):
    assert api_client_for("hr").get(f"{TEMPLATE}.pdf").status_code == 404
