"""One error shape for every API error, in the caller's language; Django's own errors on /api/
paths too. (The schema's part of it: tests/hrperf/api/test_schema_docs.py.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from clients import services
from tests.helpers.urls import ECHO

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def hr_token_client(db: None) -> Client:
    client = services.client_create(actor=None, name="errors")
    _token, raw = services.token_create(actor=None, client=client, scope="hr")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}")


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], list)
    return dict(error)


# -- 400 -------------------------------------------------------------------------------------


def test_invalid_input_lists_each_field(hr_token_client: Client) -> None:
    response = hr_token_client.post(
        ECHO,
        {"name": "far too long a name", "lines": [{"code": "A", "actual": "x"}, {"code": "B"}]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    error = error_of(response, 400, "invalid")
    assert error["message"] == "Invalid input."
    fields = {(f["field"], f["code"]) for f in error["fields"]}
    assert fields == {
        ("name", "max_length"),
        ("lines[0].actual", "invalid"),
        ("lines[1].actual", "required"),
    }
    assert all(f["row"] is None and f["message"] for f in error["fields"])


def test_a_domain_validation_error_keeps_its_fields_and_rows(hr_token_client: Client) -> None:
    error = error_of(hr_token_client.get("/api/test/fail/validation/"), 400, "invalid")
    assert error["fields"] == [
        {
            "field": "employee_no",
            "row": 3,
            "code": "unknown",
            "message": "Unknown employee number.",
        },
        {"field": "actual", "row": 4, "code": "invalid", "message": "Not a number."},
    ]


def test_a_body_that_is_not_json_is_400(hr_token_client: Client) -> None:
    response = hr_token_client.post(ECHO, "{not json", content_type="application/json")
    error = error_of(response, 400, "invalid")
    assert [(f["field"], f["code"]) for f in error["fields"]] == [("body", "parse_error")]


# -- 401, 403 --------------------------------------------------------------------------------


def test_not_authenticated_is_401() -> None:
    response = Client().get(ECHO)
    error_of(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_domain_refusal_is_403_with_its_code(hr_token_client: Client) -> None:
    error = error_of(hr_token_client.get("/api/test/fail/not-allowed/"), 403, "not_allowed")
    assert error["message"] == "Only the marketing director may do this."


def test_a_django_permission_denied_in_a_view_is_403(hr_token_client: Client) -> None:
    error = error_of(hr_token_client.get("/api/test/fail/permission-denied/"), 403, "not_allowed")
    assert error["message"] == "Only HR can change the roster."


def test_a_permission_denied_outside_the_api_views_is_403_in_the_same_shape() -> None:
    error_of(Client().get("/api/test/plain/", {"deny": "1"}), 403, "not_allowed")


# -- 404, 405, 406, 409 ----------------------------------------------------------------------


def test_an_unknown_api_path_is_404_in_the_same_shape() -> None:
    for path in ("/api/v1/no-such-thing/", "/api/nothing", "/api/test/echo/extra/"):
        error = error_of(Client().get(path, HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
        assert error["message"] == "Not found."


def test_a_404_raised_in_a_view_does_not_tell_the_model(hr_token_client: Client) -> None:
    error = error_of(
        hr_token_client.get("/api/test/fail/http404/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found"
    )
    assert error["message"] == "Not found."


def test_pages_outside_the_api_keep_their_html_404(client_for: Callable[..., Client]) -> None:
    response = client_for("hr").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_lacks_is_405(hr_token_client: Client) -> None:
    response = hr_token_client.delete(ECHO)
    error_of(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_an_accept_header_it_cannot_satisfy_is_406(hr_token_client: Client) -> None:
    error_of(hr_token_client.get(ECHO, HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


def test_a_conflict_is_409_with_its_code(hr_token_client: Client) -> None:
    error = error_of(hr_token_client.get("/api/test/fail/stale/"), 409, "stale")
    assert error["message"] == "The review changed meanwhile."


# -- 413, 415 --------------------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_json_body_over_the_limit_is_413(hr_token_client: Client) -> None:
    body = '{"name": "' + "x" * (1024 * 1024) + '"}'
    response = hr_token_client.post(
        ECHO, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = error_of(response, 413, "too_large")
    assert error["message"] == "The request body is too large: at most 1 MB."


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_an_upload_over_the_limit_is_413(hr_token_client: Client) -> None:
    upload = SimpleUploadedFile("roster.csv", b"x" * (2 * 1024 * 1024), content_type="text/csv")
    response = hr_token_client.post("/api/test/upload/", {"file": upload})
    error_of(response, 413, "too_large")


def test_an_upload_under_the_limit_is_read(hr_token_client: Client) -> None:
    upload = SimpleUploadedFile("roster.csv", b"employee_no\nE00001\n", content_type="text/csv")
    response = hr_token_client.post("/api/test/upload/", {"file": upload, "dry_run": "1"})
    assert response.status_code == 200
    assert response.json() == {"fields": ["dry_run", "file"]}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_too_large_for_django_itself_is_413_not_500() -> None:
    response = Client().post("/api/test/plain/", {"note": "x" * 4096})
    error_of(response, 413, "too_large")


def test_a_media_type_it_does_not_parse_is_415(hr_token_client: Client) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = hr_token_client.post(ECHO, "name=x", content_type=content_type)
        error_of(response, 415, "unsupported_media_type")


# -- language --------------------------------------------------------------------------------


def test_messages_follow_accept_language() -> None:
    english = error_of(Client().get(ECHO, HTTP_ACCEPT_LANGUAGE="en"), 401, "not_authenticated")
    chinese = error_of(Client().get(ECHO, HTTP_ACCEPT_LANGUAGE="zh-hans"), 401, "not_authenticated")
    assert english["message"] == "Authentication credentials were not provided."
    assert CJK.search(chinese["message"]) and chinese["message"] != english["message"]

    english_404 = error_of(Client().get("/api/nope", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    chinese_404 = error_of(
        Client().get("/api/nope", HTTP_ACCEPT_LANGUAGE="zh-hans"), 404, "not_found"
    )
    assert english_404["message"] == "Not found." and CJK.search(chinese_404["message"])


def test_field_messages_follow_accept_language(hr_token_client: Client) -> None:
    def name_error(language: str) -> str:
        response = hr_token_client.post(
            ECHO, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
        )
        return str(error_of(response, 400, "invalid")["fields"][0]["message"])

    assert name_error("en") == "This field is required."
    assert CJK.search(name_error("zh-hans"))
