"""The API's OpenAPI schema: valid, every operation named, tagged and with its errors documented,
and the running API true to it (schemathesis against a live server).

The schemathesis run serves the application from a live server over a test database holding a
small quarter, and runs `schemathesis run` as a subprocess with an HR token and every check but
one (see below): no server error, every status code answered documented, every response
matching its schema, every request the schema forbids refused. About a minute; its report is
kept in test-artifacts/schemathesis.txt (`-m schemathesis` selects it, `-m "not schemathesis"`
leaves it out).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler
from pytest_django.live_server_helper import LiveServer

from hrperf.celery import app
from tests.helpers.api import ApiQuarter

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# Errors every operation answers: not logged in, not allowed (a payroll token's scope, or the
# caller's role), rate limited.
ALWAYS_DOCUMENTED = {"401", "403", "429"}
SCHEMATHESIS_SECONDS = 900
# The run's report is kept here (CI keeps the folder), whether it passed or not.
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def generated_schema() -> dict[str, Any]:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi", stdout=out)
    schema: dict[str, Any] = yaml.safe_load(out.getvalue())
    return schema


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return generated_schema()


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_schema_is_valid_and_generates_without_a_warning(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cycles/{period}/reviews/" in schema["paths"]
    assert "Error" in schema["components"]["schemas"]


def test_the_spectacular_command_passes_with_warnings_as_errors(tmp_path: Path) -> None:
    """The check CI runs: `manage.py spectacular --validate --fail-on-warn`."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yaml"),
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "schema.yaml").stat().st_size > 0


def test_every_operation_has_an_id_tags_and_documented_errors(schema: dict[str, Any]) -> None:
    seen_ids: set[str] = set()
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("operationId"), where
        assert operation["operationId"] not in seen_ids, where
        seen_ids.add(operation["operationId"])
        assert operation.get("tags"), where
        responses = operation["responses"]
        assert set(responses) >= ALWAYS_DOCUMENTED, (where, sorted(responses))
        assert any(code.startswith("2") for code in responses), where
        for code, response in responses.items():
            if code.startswith("4"):
                content = response.get("content", {}).get("application/json", {})
                assert content.get("schema", {}).get("$ref", "").endswith("/Error"), (where, code)


def test_every_operation_on_an_object_documents_not_found(schema: dict[str, Any]) -> None:
    for path, method, operation in operations(schema):
        if "{" in path:
            assert "404" in operation["responses"], f"{method.upper()} {path}"


def test_every_operation_with_a_body_documents_bad_input(schema: dict[str, Any]) -> None:
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= set(operation["responses"]), f"{method} {path}"


# -- schemathesis against the running API ------------------------------------------------------


def schemathesis_command() -> list[str]:
    beside = Path(sys.executable).parent / "schemathesis"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("schemathesis")
    if found is None:
        pytest.fail("schemathesis is not installed: pip install -e '.[dev]'")
    return [found]


@pytest.fixture
def prompt_live_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers sent at once: the development server writes a response in several small
    packets, and on a kept-alive connection Nagle's algorithm holds each one back ~40 ms."""
    setup = WSGIRequestHandler.setup

    def setup_without_delay(handler: WSGIRequestHandler) -> None:
        setup(handler)
        connection: socket.socket = handler.connection  # type: ignore[assignment]
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    monkeypatch.setattr(WSGIRequestHandler, "setup", setup_without_delay)


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Background tasks run in the web process (no broker, no worker), as `make run` does."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.mark.schemathesis
@pytest.mark.django_db(transaction=True)
def test_the_running_api_keeps_to_its_schema(
    live_server: LiveServer,
    prompt_live_server: None,
    api_quarter: ApiQuarter,
    token_for: Callable[[str], str],
    eager_tasks: None,
    settings: Any,
    tmp_path: Path,
) -> None:
    # Thousands of requests a minute: lift the rate limit for this run.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"payroll": "1000000/min", "hr": "1000000/min"},
    }
    # And its many calls without a token, which must each answer 401 (or 403).
    settings.API_RATE_AUTH_FAILURES = "1000000/min"
    command = [
        *schemathesis_command(),
        "--no-color",
        "run",
        f"{live_server.url}/api/schema/",
        # Every check but one: that any request the schema allows is accepted. Business rules
        # refuse some (an unknown department code, an incomplete review, a quarter opened
        # twice) that no schema can tell apart.
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--max-examples",
        "25",
        "--workers",
        "1",
        "--seed",
        "1",
        "--header",
        f"Authorization: Token {token_for('hr')}",
        "--request-timeout",
        "60",
        "--generation-database",
        "none",
    ]
    result = subprocess.run(
        command,
        cwd=tmp_path,  # it writes .hypothesis/ and .schemathesis/ where it runs
        env={**os.environ, "NO_COLOR": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=SCHEMATHESIS_SECONDS,
    )
    output = result.stdout + result.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.txt").write_text(output, encoding="utf-8")
    assert result.returncode == 0, output
