"""The Content-Security-Policy on every answer (hrperf/headers.py), and the looser one of the API
documentation pages; the API schema and its documentation for signed-in users only."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from hrperf.headers import HEADER, REPORT_ONLY_HEADER

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/login/", "/dashboard/", "/api/v1/cycles/", "/nowhere/"])
def test_every_answer_carries_the_policy(client_for: Callable[..., Client], path: str) -> None:
    response = client_for("hr").get(path, follow=True)
    policy = response[HEADER]
    assert "script-src 'self';" in policy
    assert "unsafe" not in policy


def test_the_policy_only_reports_when_asked(client_for: Callable[..., Client]) -> None:
    with override_settings(CSP_REPORT_ONLY=True):
        response = client_for("hr").get("/login/")
    assert HEADER not in response
    assert "script-src 'self';" in response[REPORT_ONLY_HEADER]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_allows_inline_styles_but_no_inline_script(
    client_for: Callable[..., Client], path: str
) -> None:
    response = client_for("hr").get(path)
    assert response.status_code == 200
    policy = response[HEADER]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
    assert "<script>" not in response.content.decode()


def test_the_swagger_ui_starts_from_a_script_file(client_for: Callable[..., Client]) -> None:
    client = client_for("hr")
    page = client.get("/api/docs/").content.decode()
    assert 'src="/api/docs/?script=' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_the_schema_is_401_for_anonymous_callers() -> None:
    response = Client().get("/api/schema/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["hr", "employee", "outsider"])
def test_a_signed_in_user_reads_the_schema(client_for: Callable[..., Client], persona: str) -> None:
    assert client_for(persona).get("/api/schema/").status_code == 200


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_sends_anonymous_visitors_to_the_login(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_favicon_is_served() -> None:
    response = Client().get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    page = Client().get("/login/").content.decode()
    assert 'rel="icon"' in page


# What the policy blocks, nowhere in the product's templates (the API documentation's own
# template, which may have inline styles, aside).
INLINE = re.compile(
    r"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|\shx-on|\sstyle\s*=|javascript:", re.IGNORECASE
)


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    root = Path(settings.BASE_DIR)
    templates = [
        path
        for path in root.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and path.name != "redoc.html"
    ]
    assert len(templates) > 20
    found = {
        str(path.relative_to(root)): INLINE.findall(path.read_text())
        for path in templates
        if INLINE.search(path.read_text())
    }
    assert found == {}
