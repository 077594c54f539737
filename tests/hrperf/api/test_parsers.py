"""The API's JSON parser: the body size limit (tests/hrperf/api/test_exceptions.py), how deep a
body may nest, and no control characters in its texts."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from clients import services
from hrperf.api.parsers import MAX_JSON_DEPTH
from tests.helpers.errors import api_error
from tests.helpers.urls import ECHO

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.urls")]


@pytest.fixture
def hr_token_client(db: None) -> Client:
    client = services.client_create(actor=None, name="parsers")
    _token, raw = services.token_create(actor=None, client=client, scope="hr")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}", raise_request_exception=False)


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000, 100_000])
def test_a_body_nested_too_deep_is_400_naming_the_problem(
    hr_token_client: Client, depth: int
) -> None:
    body = '{"name": "x", "lines": ' + nested(depth) + "}"
    response = hr_token_client.post(
        ECHO, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = api_error(response, 400, "invalid")
    assert [(f["field"], f["code"]) for f in error["fields"]] == [("body", "parse_error")]
    assert f"at most {MAX_JSON_DEPTH} levels" in error["fields"][0]["message"]


def test_a_body_nested_within_the_limit_is_parsed(hr_token_client: Client) -> None:
    body = json.dumps({"name": "x", "extra": json.loads(nested(MAX_JSON_DEPTH - 1))})
    response = hr_token_client.post(ECHO, body, content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a\u0000b"}, "name"),
        ({"name": "x", "lines": [{"code": "A\u0000", "actual": "1"}]}, "lines[0].code"),
        ({"name": "x", "extra": {"k\u0000": 1}}, "extra"),
        ({"name": "x", "extra": {"deep": ["\u0007"]}}, "extra.deep[0]"),
    ],
)
def test_a_control_character_in_a_json_text_is_400_naming_the_field(
    hr_token_client: Client, body: dict[str, object], field: str
) -> None:
    response = hr_token_client.post(
        ECHO, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = api_error(response, 400, "invalid")
    assert [(f["field"], f["code"]) for f in error["fields"]] == [(field, "control_character")]


def test_tabs_and_line_breaks_in_a_json_text_are_kept(hr_token_client: Client) -> None:
    response = hr_token_client.post(
        ECHO, json.dumps({"name": "a\tb\nc"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"name": "a\tb\nc"}
