"""Every error answers in the product's shape, in every mode: the API's one JSON error shape on
/api/ paths, the product's own page elsewhere; never Django's debug pages, never a 500 for bad
input."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils.log import configure_logging

from tests.helpers.errors import (
    addresses_with_parameters,
    addresses_without_parameters,
    answers_in_shape,
    api_error,
    error_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(personas: dict[str, User]) -> Client:
    """HR, also a superuser: every page and the admin open to it."""
    user = personas["hr"]
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# -- control characters in the address -------------------------------------------------------


def test_the_walk_finds_the_addresses_with_parameters() -> None:
    addresses = list(addresses_with_parameters("%00"))
    assert "/api/v1/cycles/%00/" in addresses
    assert "/catalogue/%00/" in addresses
    assert any(address.startswith("/admin/") for address in addresses)
    assert len(addresses) > 30


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_nul_in_any_path_parameter_is_404_in_shape(superuser_client: Client, method: str) -> None:
    wrong = {}
    for address in addresses_with_parameters("%00"):
        response = getattr(superuser_client, method)(address, HTTP_ACCEPT_LANGUAGE="en")
        try:
            answers_in_shape(response, address, 404, "not_found")
        except AssertionError as error:
            wrong[address] = f"{response.status_code}: {error}"[:200]
    assert wrong == {}


def test_other_control_characters_in_the_path_are_404_too(superuser_client: Client) -> None:
    for address in ("/catalogue/%01x/", "/api/v1/cycles/a%7Fb/", "/quarters/%0A/"):
        response = superuser_client.get(address)
        answers_in_shape(response, address, 404, "not_found")


def test_a_nul_in_the_query_string_of_any_address_is_400(superuser_client: Client) -> None:
    wrong = {}
    for address in addresses_without_parameters():
        for query in ("q=%00", "%00=1", "page=1%00"):
            response = superuser_client.get(f"{address}?{query}")
            try:
                answers_in_shape(response, address, 400, "invalid")
            except AssertionError as error:
                wrong[f"{address}?{query}"] = f"{response.status_code}: {error}"[:200]
    assert wrong == {}


def test_the_query_error_names_the_parameter(superuser_client: Client) -> None:
    error = api_error(
        superuser_client.get("/api/v1/cycles/?status=open%00", HTTP_ACCEPT_LANGUAGE="en"),
        400,
        "invalid",
    )
    assert [(f["field"], f["code"]) for f in error["fields"]] == [("status", "control_character")]


def test_a_nul_in_a_form_value_is_400_naming_the_field(superuser_client: Client) -> None:
    response = superuser_client.post(
        "/quarters/",
        "period=2026Q4%00&csrfmiddlewaretoken=x",
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = error_page(response, 400)
    assert "“period” contains a control character" in html


def test_a_nul_in_a_multipart_form_value_is_the_forms_400(superuser_client: Client) -> None:
    response = superuser_client.post("/quarters/", {"period": "2026Q4\x00"})
    assert response.status_code == 400
    assert 'data-testid="open-quarter-form"' in response.content.decode()


def test_an_ordinary_query_string_still_works(superuser_client: Client) -> None:
    assert superuser_client.get("/roster/?q=%E7%8E%8B+x&department=SALES").status_code == 200


# -- over-long addresses and headers ---------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/v1/cycles/", "/catalogue/"])
def test_an_address_over_the_limit_is_414_in_shape(superuser_client: Client, prefix: str) -> None:
    address = prefix + "a" * settings.REQUEST_MAX_URI_CHARS
    response = superuser_client.get(address)
    answers_in_shape(response, address, 414, "uri_too_long")


def test_a_query_over_the_limit_is_414(superuser_client: Client) -> None:
    response = superuser_client.get("/api/v1/cycles/", {"q": "a" * settings.REQUEST_MAX_URI_CHARS})
    api_error(response, 414, "uri_too_long")


@pytest.mark.parametrize("prefix", ["/api/v1/cycles/", "/catalogue/"])
def test_a_header_over_the_limit_is_431_in_shape(superuser_client: Client, prefix: str) -> None:
    response = superuser_client.get(
        prefix, HTTP_X_PADDING="a" * (settings.REQUEST_MAX_HEADER_BYTES + 1)
    )
    answers_in_shape(response, prefix, 431, "headers_too_large")


def test_requests_within_the_limits_pass(superuser_client: Client) -> None:
    padding = "a" * 4000
    assert superuser_client.get("/api/v1/cycles/", HTTP_X_PADDING=padding).status_code == 200
    page = superuser_client.get("/kpis/", {"q": "a" * 1000}, HTTP_X_PADDING=padding)
    assert page.status_code == 200


# -- the product's pages in every mode -------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_page_is_the_products_404(superuser_client: Client, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        for client in (superuser_client, Client()):
            html = error_page(client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en"), 404)
            assert "There is nothing at this address." in html
            assert "admin/" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_address_is_json_404(superuser_client: Client, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        for client in (superuser_client, Client()):
            api_error(client.get("/api/v1/no-such-thing/"), 404, "not_found")


@pytest.mark.parametrize("debug", [False, True])
def test_a_404_raised_in_a_page_is_the_products_404(superuser_client: Client, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        error_page(superuser_client.get("/catalogue/NO-SUCH-DEPT/"), 404)


@pytest.mark.parametrize("debug", [False, True])
def test_a_403_is_the_products_page(client_for: Callable[..., Client], debug: bool) -> None:
    with override_settings(DEBUG=debug):
        html = error_page(client_for("outsider").get("/quarters/", HTTP_ACCEPT_LANGUAGE="en"), 403)
        assert "Not allowed" in html


@pytest.mark.urls("tests.helpers.urls")
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("address", ["/api/test/fail/boom/", "/api/test/plain/?boom=1"])
def test_a_crash_is_the_json_500_in_every_mode(
    superuser_client: Client, debug: bool, address: str
) -> None:
    with override_settings(DEBUG=debug):
        api_error(superuser_client.get(address), 500, "server_error")


@pytest.mark.urls("tests.helpers.urls")
@pytest.mark.parametrize("debug", [False, True])
def test_a_crash_of_a_page_is_the_products_500(superuser_client: Client, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        error_page(superuser_client.get("/test/crash/"), 500)


@pytest.mark.parametrize("debug", [False, True])
def test_a_method_a_page_does_not_take_is_the_products_405(
    superuser_client: Client, debug: bool
) -> None:
    with override_settings(DEBUG=debug):
        response = superuser_client.delete("/quarters/", HTTP_ACCEPT_LANGUAGE="en")
        html = error_page(response, 405)
        assert "GET" in response["Allow"]
        assert "Method not allowed" in html
        # Reshaped, it keeps the security headers the original carried.
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.urls("tests.helpers.urls")
def test_a_method_a_plain_api_view_does_not_take_is_json_405(superuser_client: Client) -> None:
    response = superuser_client.put("/api/test/plain/")
    api_error(response, 405, "method_not_allowed")


@pytest.mark.parametrize("debug", [False, True])
def test_a_csrf_failure_is_the_products_403(personas: dict[str, User], debug: bool) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["hr"])
    with override_settings(DEBUG=debug):
        response = client.post("/quarters/", {"period": "2026Q4"}, HTTP_ACCEPT_LANGUAGE="en")
        html = error_page(response, 403)
        assert "Reload the page" in html


def test_a_csrf_failure_of_the_language_switch_is_the_products_403(
    personas: dict[str, User],
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["hr"])
    response = client.post("/i18n/setlang/", {"language": "en"})
    error_page(response, 403)


@pytest.mark.parametrize("debug", [False, True])
def test_a_bad_host_is_400_in_shape(debug: bool) -> None:
    with override_settings(DEBUG=debug):
        error_page(Client().get("/login/", HTTP_HOST="evil.example"), 400)
        api_error(Client().get("/api/v1/cycles/", HTTP_HOST="evil.example"), 400, "invalid")


# -- the log ---------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_a_403_logs_one_line_without_a_traceback(
    client_for: Callable[..., Client], capsys: pytest.CaptureFixture[str], debug: bool
) -> None:
    client = client_for("outsider")
    # The log as the settings configure it, its console writing where the test reads.
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    try:
        capsys.readouterr()
        with override_settings(DEBUG=debug):
            client.get("/quarters/")
        assert capsys.readouterr().err.splitlines() == ["Forbidden (Permission denied): /quarters/"]
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_a_403_record_has_no_traceback(
    client_for: Callable[..., Client], caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for("outsider")
    with caplog.at_level(logging.INFO):
        client.get("/quarters/")
    records = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in records] == [
        "Forbidden (Permission denied): /quarters/"
    ]
    assert records[0].exc_info is None


# -- control characters in the headers -------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/v1/cycles/", "/dashboard/"])
@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_COOKIE": "sessionid=abcdefgh\x00ijk"},
        {"HTTP_AUTHORIZATION": "Token hrp_\x00abc"},
        {"HTTP_ACCEPT_LANGUAGE": "en\x01"},
    ],
)
def test_a_control_character_in_a_header_is_400_naming_it(
    prefix: str, header: dict[str, Any]
) -> None:
    response = Client(raise_request_exception=False, **header).get(prefix)
    answers_in_shape(response, prefix, 400, "invalid")
    name = next(iter(header)).removeprefix("HTTP_").replace("_", "-").title()
    if prefix.startswith("/api/"):
        assert [f["field"] for f in response.json()["error"]["fields"]] == [name]


def test_a_control_character_in_a_quoted_cookie_is_400() -> None:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    error = api_error(client.get("/api/v1/cycles/"), 400, "invalid")
    assert [f["field"] for f in error["fields"]] == ["sessionid"]
    error_page(client.get("/dashboard/"), 400)


@pytest.mark.parametrize("debug", [False, True])
def test_the_error_pages_speak_chinese_by_default(debug: bool) -> None:
    with override_settings(DEBUG=debug):
        html = error_page(Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-CN"), 404)
        assert "此地址没有内容" in html or "页面不存在" in html
        error = api_error(
            Client().get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="zh-CN"), 404, "not_found"
        )
        assert error["message"] == "未找到。"
