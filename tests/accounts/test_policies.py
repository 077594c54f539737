"""The sign-in configuration read from the environment (a bad one stops the start, naming the
variable) and the rules that turn a directory's groups and claims into roles."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts import policies
from accounts.policies import (
    BY_EMAIL,
    DirectoryPerson,
    oidc_person,
    parse_role_map,
    platform_person,
    read_config,
    roles_from_groups,
)

HR_DN = "cn=HR,ou=groups,dc=corp,dc=test"
ROLE_MAP = f"hr={HR_DN}|HR Team;director=directors;head=heads;employee=staff|heads"
OIDC = {
    "SSO_OIDC_ISSUER": "https://id.corp.test/realms/main",
    "SSO_OIDC_CLIENT_ID": "hrperf",
    "SSO_OIDC_CLIENT_SECRET": "s3cret",
    "SSO_ROLE_MAP": ROLE_MAP,
}


def test_nothing_set_means_local_passwords_only() -> None:
    config = read_config({})
    assert config.methods == [] and config.local_login and config.password_form
    assert policies.allauth_providers(config)["feishu"]["APPS"] == []
    assert "openid_connect" not in policies.allauth_providers(config)
    assert policies.ldap_settings(config) == {}


def test_the_role_map_takes_dns_with_commas_and_several_groups() -> None:
    assert parse_role_map(ROLE_MAP) == {
        "hr": (HR_DN, "HR Team"),
        "director": ("directors",),
        "head": ("heads",),
        "employee": ("staff", "heads"),
    }


@pytest.mark.parametrize("raw", ["boss=admins", "hr", "hr=", "hr=|"])
def test_a_bad_role_map_is_refused(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SSO_ROLE_MAP"):
        parse_role_map(raw)


@pytest.mark.parametrize(
    ("groups", "roles"),
    [
        ({HR_DN}, {"hr"}),
        ({"CN=hr, OU=Groups, DC=corp, DC=test"}, {"hr"}),  # Active Directory's spelling
        ({"hr team"}, {"hr"}),
        ({"/corp/directors"}, {"director"}),  # Keycloak's group path
        ({"cn=directors,ou=groups,dc=corp,dc=test"}, {"director"}),  # by the group's name
        ({"heads"}, {"head", "employee"}),
        ({"other", "cn=staff,ou=x"}, {"employee"}),
        (set(), set()),
        ({"hr-team", "director"}, set()),
    ],
)
def test_groups_become_roles(groups: set[str], roles: set[str]) -> None:
    assert roles_from_groups(groups, parse_role_map(ROLE_MAP)) == roles


def test_a_star_maps_everyone() -> None:
    assert roles_from_groups([], parse_role_map("employee=*")) == {"employee"}


def test_openid_connect_reads_its_claims_by_the_configured_names() -> None:
    oidc = read_config(
        {**OIDC, "SSO_OIDC_GROUPS_CLAIM": "roles", "SSO_OIDC_EMPLOYEE_NO_CLAIM": "staff_no"}
    ).oidc
    assert oidc is not None
    data = {
        "id_token": {"sub": "1", "roles": ["heads"], "staff_no": "E1"},
        "userinfo": {"email": "a@corp.test", "roles": ["heads", "staff"]},
    }
    assert oidc_person(data, oidc) == DirectoryPerson(
        method="oidc",
        groups=frozenset({"heads", "staff"}),
        employee_no="E1",
        email="a@corp.test",
    )
    assert oidc_person({"userinfo": {"roles": "hr team"}}, oidc).groups == {"hr team"}


def test_feishu_and_dingtalk_send_no_groups() -> None:
    feishu = {"employee_no": "E2", "enterprise_email": "b@corp.test", "email": "b@home.test"}
    assert platform_person("feishu", feishu) == DirectoryPerson(
        method="feishu", employee_no="E2", email="b@corp.test"
    )
    assert platform_person("dingtalk", {"email": "c@corp.test"}).groups == frozenset()


def test_openid_connect_becomes_allauth_s_app_with_pkce() -> None:
    config = read_config({**OIDC, "SSO_OIDC_NAME": "Keycloak"})
    assert config.methods == ["oidc"]
    apps = policies.allauth_providers(config)["openid_connect"]["APPS"]
    assert apps == [
        {
            "provider_id": "oidc",
            "name": "Keycloak",
            "client_id": "hrperf",
            "secret": "s3cret",
            "settings": {
                "server_url": "https://id.corp.test/realms/main",
                "oauth_pkce_enabled": True,
            },
        }
    ]


def test_ldap_becomes_django_auth_ldap_s_settings() -> None:
    config = read_config(
        {
            "LDAP_SERVER_URI": "ldaps://dc1.corp.test:636",
            "LDAP_USER_BASE": "ou=people,dc=corp,dc=test",
            "LDAP_USER_FILTER": "(sAMAccountName=%(user)s)",
            "LDAP_BIND_DN": "cn=reader,dc=corp,dc=test",
            "LDAP_BIND_PASSWORD": "pw",
            "LDAP_GROUP_BASE": "ou=groups,dc=corp,dc=test",
            "LDAP_START_TLS": "0",
            "SSO_ROLE_MAP": ROLE_MAP,
        }
    )
    found = policies.ldap_settings(config)
    assert found["AUTH_LDAP_SERVER_URI"] == "ldaps://dc1.corp.test:636"
    assert found["AUTH_LDAP_USER_SEARCH"].filterstr == "(sAMAccountName=%(user)s)"  # type: ignore[attr-defined]
    assert found["AUTH_LDAP_MIRROR_GROUPS"] is False
    assert "AUTH_LDAP_GROUP_SEARCH" in found
    assert config.password_form


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"SSO_OIDC_ISSUER": "https://id.corp.test"}, "SSO_OIDC_CLIENT_ID"),
        ({**OIDC, "SSO_OIDC_ISSUER": "http://id.corp.test"}, "SSO_OIDC_ISSUER"),
        ({**OIDC, "SSO_OIDC_ISSUER": "id.corp.test"}, "SSO_OIDC_ISSUER"),
        ({"LDAP_SERVER_URI": "ldap://dc1"}, "LDAP_USER_BASE"),
        ({"LDAP_SERVER_URI": "dc1.corp.test", "LDAP_USER_BASE": "dc=x"}, "LDAP_SERVER_URI"),
        (
            {
                "LDAP_SERVER_URI": "ldap://dc1",
                "LDAP_USER_BASE": "dc=x",
                "LDAP_USER_FILTER": "(uid=x)",
            },
            "LDAP_USER_FILTER",
        ),
        (
            {"LDAP_SERVER_URI": "ldap://dc1", "LDAP_USER_BASE": "dc=x", "LDAP_BIND_DN": "cn=r"},
            "LDAP_BIND_PASSWORD",
        ),
        ({"SSO_FEISHU_APP_ID": "cli_1"}, "SSO_FEISHU_APP_SECRET"),
        ({"SSO_DINGTALK_CLIENT_SECRET": "x"}, "SSO_DINGTALK_CLIENT_ID"),
        (
            {
                "SSO_FEISHU_APP_ID": "a",
                "SSO_FEISHU_APP_SECRET": "b",
                "SSO_ROLE_MAP": "employee=*",
                "SSO_FEISHU_BASE_URL": "ftp://x",
            },
            "SSO_FEISHU_BASE_URL",
        ),
        ({**OIDC, "SSO_ROLE_MAP": ""}, "SSO_ROLE_MAP"),
        ({"SSO_EMPLOYEE_MATCH": "phone"}, "SSO_EMPLOYEE_MATCH"),
        ({"LOCAL_LOGIN_ENABLED": "maybe"}, "LOCAL_LOGIN_ENABLED"),
        ({"LOCAL_LOGIN_ENABLED": "0"}, "LOCAL_LOGIN_ENABLED"),
    ],
)
def test_a_bad_configuration_stops_the_start_naming_the_variable(
    environment: dict[str, str], named: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=named):
        read_config(environment)


def test_plain_http_addresses_are_for_development_only() -> None:
    environment = {**OIDC, "SSO_OIDC_ISSUER": "http://127.0.0.1:9000/o"}
    assert read_config(environment, debug=True).oidc is not None
    assert read_config({**environment, "SSO_ALLOW_HTTP": "1"}).oidc is not None


def test_local_passwords_may_be_switched_off_once_another_way_is_on() -> None:
    config = read_config({**OIDC, "LOCAL_LOGIN_ENABLED": "0", "SSO_EMPLOYEE_MATCH": "email"})
    assert not config.local_login and not config.password_form
    assert config.employee_match == BY_EMAIL


def test_a_half_configuration_stops_the_start_of_the_application() -> None:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SSO_", "LDAP_"))},
        "DJANGO_SETTINGS_MODULE": "hrperf.settings",
        "DEBUG": "1",
        "SSO_OIDC_ISSUER": "https://id.corp.test/realms/main",
    }
    started = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert "SSO_OIDC_CLIENT_ID" in started.stderr
