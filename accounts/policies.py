"""Single sign-on: which sign-in methods are on (read from the environment by the settings), and
the rules that turn what a directory says about a person into the product's roles.

Every method is off unless its variables are set (README: Configuration, "Sign-in"):

* OpenID Connect (Keycloak, Authing, Azure AD…): SSO_OIDC_ISSUER, SSO_OIDC_CLIENT_ID,
  SSO_OIDC_CLIENT_SECRET;
* LDAP / Active Directory: LDAP_SERVER_URI, LDAP_USER_BASE (and a bind account);
* Feishu: SSO_FEISHU_APP_ID / SSO_FEISHU_APP_SECRET; DingTalk: SSO_DINGTALK_CLIENT_ID /
  SSO_DINGTALK_CLIENT_SECRET.

SSO_ROLE_MAP maps directory groups (or claim values) to roles: entries `role=group` separated
by ";", several groups of one role by "|" (a group DN holds commas), e.g.
`hr=cn=hr,ou=groups,dc=corp|HR Team;director=directors;head=heads;employee=*`. A group matches
by its whole DN or its name (or Keycloak's whole path or its last part), case-insensitively;
`*` matches everyone who signs in with a directory. Someone with no mapped role is an
outsider: they may sign in and see nothing.

This module is read while the settings load: the standard library and Django's exceptions only
(django-auth-ldap's search objects are made only when LDAP is on).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

HR = "hr"
DIRECTOR = "director"
HEAD = "head"
EMPLOYEE = "employee"
MAPPED_ROLES = (HR, DIRECTOR, HEAD, EMPLOYEE)
EVERYONE = "*"

BY_EMPLOYEE_NO = "employee_no"
BY_EMAIL = "email"
MATCHES = (BY_EMPLOYEE_NO, BY_EMAIL)

OIDC = "oidc"
LDAP = "ldap"
FEISHU = "feishu"
DINGTALK = "dingtalk"

FEISHU_BASE_URL = "https://open.feishu.cn"
DINGTALK_LOGIN_URL = "https://login.dingtalk.com"
DINGTALK_API_URL = "https://api.dingtalk.com"

RoleMap = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class DirectoryPerson:
    """What a directory (an OpenID Connect provider, LDAP, Feishu, DingTalk) says about whoever
    signs in: their groups (DNs or names) and how to find their employee record."""

    method: str
    groups: frozenset[str] = frozenset()
    employee_no: str = ""
    email: str = ""


# -- the role map -----------------------------------------------------------------------------


def parse_role_map(raw: str) -> RoleMap:
    """SSO_ROLE_MAP as {role: (group, …)}; a role named twice adds its groups."""
    found: dict[str, list[str]] = {}
    for entry in (part.strip() for part in raw.split(";")):
        if not entry:
            continue
        role, sign, groups = entry.partition("=")
        role = role.strip().lower()
        if not sign or role not in MAPPED_ROLES:
            raise ImproperlyConfigured(
                f"SSO_ROLE_MAP: {entry!r} must be role=group with a role of "
                f"{', '.join(MAPPED_ROLES)} (entries separated by ';', groups by '|')"
            )
        names = [name.strip() for name in groups.split("|") if name.strip()]
        if not names:
            raise ImproperlyConfigured(f"SSO_ROLE_MAP: {entry!r} names no group")
        found.setdefault(role, []).extend(names)
    return {role: tuple(names) for role, names in found.items()}


def _group_keys(group: str) -> set[str]:
    """A group as it may be named in the map: its whole DN and its name (first RDN's value), or
    its whole path and its last part (Keycloak's "/corp/hr")."""
    group = group.strip().lower()
    keys = {group, re.sub(r"\s*,\s*", ",", group)}
    if group.startswith("/"):
        keys.add(group.rstrip("/").rpartition("/")[2])
    first, _sep, _rest = group.partition(",")
    attribute, sign, value = first.partition("=")
    if sign and attribute.strip() in {"cn", "ou", "uid"}:
        keys.add(value.strip())
    return keys


def roles_from_groups(groups: Iterable[str], role_map: Mapping[str, Iterable[str]]) -> set[str]:
    """The mapped roles of someone in `groups` (DNs or names)."""
    held: set[str] = set()
    for group in groups:
        held |= _group_keys(group)
    roles = set()
    for role, names in role_map.items():
        for name in names:
            if name == EVERYONE or _group_keys(name) & held:
                roles.add(role)
                break
    return roles


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _names(value: object) -> frozenset[str]:
    """A claim of groups: a list of names (or DNs), or one name."""
    if isinstance(value, str):
        return frozenset({value.strip()} - {""})
    if isinstance(value, list | tuple):
        return frozenset(item.strip() for item in value if isinstance(item, str) and item.strip())
    return frozenset()


def oidc_person(data: Mapping[str, object], oidc: Mapping[str, str]) -> DirectoryPerson:
    """What an OpenID Connect provider says of a person (django-allauth's extra data: the ID
    token's claims and the user info's), with the claim names of the configuration."""
    claims: dict[str, object] = {}
    for part in ("id_token", "userinfo"):
        found = data.get(part)
        if isinstance(found, Mapping):
            claims.update(found)
    if not claims:
        claims = dict(data)
    return DirectoryPerson(
        method=OIDC,
        groups=_names(claims.get(oidc["groups_claim"])),
        employee_no=_text(claims.get(oidc["employee_no_claim"])),
        email=_text(claims.get("email")),
    )


def platform_person(method: str, data: Mapping[str, object]) -> DirectoryPerson:
    """What Feishu (its user info: employee_no, enterprise_email, email) or DingTalk (its
    contact: email) says of a person; neither sends groups, so only `*` entries of the role map
    apply to them."""
    email = _text(data.get("enterprise_email")) or _text(data.get("email"))
    return DirectoryPerson(method=method, employee_no=_text(data.get("employee_no")), email=email)


# -- reading the environment ----------------------------------------------------------------


@dataclass(frozen=True)
class SsoConfig:
    """The sign-in methods that are on, and how directory people become the product's."""

    local_login: bool = True
    role_map: RoleMap = field(default_factory=dict)
    employee_match: str = BY_EMPLOYEE_NO
    oidc: dict[str, str] | None = None
    ldap: dict[str, str] | None = None
    feishu: dict[str, str] | None = None
    dingtalk: dict[str, str] | None = None

    @property
    def methods(self) -> list[str]:
        return [name for name in (OIDC, LDAP, FEISHU, DINGTALK) if getattr(self, name) is not None]

    @property
    def password_form(self) -> bool:
        """Whether the login page shows the username-and-password form (local or LDAP)."""
        return self.local_login or self.ldap is not None


def _url(name: str, value: str, *, https_only: bool = False) -> str:
    parts = urlsplit(value)
    schemes = {"https"} if https_only else {"http", "https"}
    if parts.scheme not in schemes or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must be an absolute {' or '.join(sorted(schemes))} URL, not {value!r}"
        )
    return value.rstrip("/")


def _group(env: Mapping[str, str], names: Iterable[str], what: str) -> dict[str, str] | None:
    """The variables of one method: None when none is set, all of `names` when any is."""
    values = {name: env.get(name, "").strip() for name in names}
    if not any(values.values()):
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"{what} sign-in is half configured: set {', '.join(missing)} too "
            f"(or unset {', '.join(name for name, value in values.items() if value)})"
        )
    return values


def _oidc(env: Mapping[str, str], debug: bool) -> dict[str, str] | None:
    found = _group(
        env, ("SSO_OIDC_ISSUER", "SSO_OIDC_CLIENT_ID", "SSO_OIDC_CLIENT_SECRET"), "OpenID Connect"
    )
    if found is None:
        return None
    allow_http = debug or env.get("SSO_ALLOW_HTTP", "") == "1"
    issuer = _url("SSO_OIDC_ISSUER", found["SSO_OIDC_ISSUER"], https_only=not allow_http)
    return {
        "issuer": issuer,
        "client_id": found["SSO_OIDC_CLIENT_ID"],
        "secret": found["SSO_OIDC_CLIENT_SECRET"],
        "name": env.get("SSO_OIDC_NAME", "").strip() or "OpenID Connect",
        "groups_claim": env.get("SSO_OIDC_GROUPS_CLAIM", "").strip() or "groups",
        "employee_no_claim": env.get("SSO_OIDC_EMPLOYEE_NO_CLAIM", "").strip() or "employee_no",
    }


def _ldap(env: Mapping[str, str]) -> dict[str, str] | None:
    found = _group(env, ("LDAP_SERVER_URI", "LDAP_USER_BASE"), "LDAP")
    if found is None:
        return None
    uri = found["LDAP_SERVER_URI"]
    if not re.fullmatch(r"ldaps?://[^\s/]+/?", uri):
        raise ImproperlyConfigured(
            f"LDAP_SERVER_URI must be ldap://host:port or ldaps://…, not {uri!r}"
        )
    user_filter = env.get("LDAP_USER_FILTER", "").strip() or "(uid=%(user)s)"
    if "%(user)s" not in user_filter or user_filter.count("(") != user_filter.count(")"):
        raise ImproperlyConfigured(
            f"LDAP_USER_FILTER must be an LDAP filter with %(user)s in it, such as "
            f"(sAMAccountName=%(user)s), not {user_filter!r}"
        )
    bind_dn = env.get("LDAP_BIND_DN", "").strip()
    if bool(bind_dn) != bool(env.get("LDAP_BIND_PASSWORD", "")):
        raise ImproperlyConfigured("LDAP_BIND_DN and LDAP_BIND_PASSWORD go together: set both")
    start_tls = env.get("LDAP_START_TLS", "0").strip().lower()
    if start_tls not in {"0", "1", "true", "false", "yes", "no", "on", "off", ""}:
        raise ImproperlyConfigured(f"LDAP_START_TLS must be 0 or 1, not {start_tls!r}")
    return {
        "server_uri": uri,
        "bind_dn": bind_dn,
        "bind_password": env.get("LDAP_BIND_PASSWORD", ""),
        "user_base": found["LDAP_USER_BASE"],
        "user_filter": user_filter,
        "group_base": env.get("LDAP_GROUP_BASE", "").strip(),
        "start_tls": "1" if start_tls in {"1", "true", "yes", "on"} else "",
        "employee_no_attr": env.get("LDAP_EMPLOYEE_NO_ATTR", "").strip() or "employeeNumber",
        "email_attr": env.get("LDAP_EMAIL_ATTR", "").strip() or "mail",
    }


def _platform(
    env: Mapping[str, str], prefix: str, what: str, urls: Mapping[str, str], allow_http: bool
) -> dict[str, str] | None:
    key, secret = (
        ("APP_ID", "APP_SECRET") if prefix == "SSO_FEISHU" else ("CLIENT_ID", "CLIENT_SECRET")
    )
    found = _group(env, (f"{prefix}_{key}", f"{prefix}_{secret}"), what)
    if found is None:
        return None
    values = {"client_id": found[f"{prefix}_{key}"], "secret": found[f"{prefix}_{secret}"]}
    for name, default in urls.items():
        variable = f"{prefix}_{name.upper()}"
        values[name] = _url(
            variable, env.get(variable, "").strip() or default, https_only=not allow_http
        )
    return values


def read_config(env: Mapping[str, str], *, debug: bool = False) -> SsoConfig:
    """The sign-in configuration of `env` (os.environ); ImproperlyConfigured names what is
    wrong, so that a bad configuration stops the start rather than a sign-in."""
    local = env.get("LOCAL_LOGIN_ENABLED", "1").strip().lower()
    if local not in {"0", "1", "true", "false", "yes", "no", "on", "off"}:
        raise ImproperlyConfigured(f"LOCAL_LOGIN_ENABLED must be 0 or 1, not {local!r}")
    match = env.get("SSO_EMPLOYEE_MATCH", "").strip().lower() or BY_EMPLOYEE_NO
    if match not in MATCHES:
        raise ImproperlyConfigured(
            f"SSO_EMPLOYEE_MATCH must be one of {', '.join(MATCHES)}, not {match!r}"
        )
    allow_http = debug or env.get("SSO_ALLOW_HTTP", "") == "1"
    config = SsoConfig(
        local_login=local in {"1", "true", "yes", "on"},
        role_map=parse_role_map(env.get("SSO_ROLE_MAP", "")),
        employee_match=match,
        oidc=_oidc(env, debug),
        ldap=_ldap(env),
        feishu=_platform(env, "SSO_FEISHU", "Feishu", {"base_url": FEISHU_BASE_URL}, allow_http),
        dingtalk=_platform(
            env,
            "SSO_DINGTALK",
            "DingTalk",
            {"login_url": DINGTALK_LOGIN_URL, "api_url": DINGTALK_API_URL},
            allow_http,
        ),
    )
    if not config.password_form and not config.methods:
        raise ImproperlyConfigured(
            "LOCAL_LOGIN_ENABLED=0 leaves no way to sign in: configure OpenID Connect, LDAP, "
            "Feishu or DingTalk first (or set LOCAL_LOGIN_ENABLED=1)"
        )
    if config.methods and not config.role_map:
        raise ImproperlyConfigured(
            "SSO_ROLE_MAP is empty while single sign-on is on: every directory user would be "
            "an outsider. Map groups to roles, e.g. SSO_ROLE_MAP=hr=hr-group;employee=*"
        )
    return config


# -- what the settings make of it -------------------------------------------------------------


def allauth_providers(config: SsoConfig) -> dict[str, dict[str, object]]:
    """SOCIALACCOUNT_PROVIDERS for django-allauth: one app per method that is on (none is kept
    in the database), with PKCE on; Feishu and DingTalk by the product's provider classes, whose
    addresses may point at a private deployment (or a test's stand-in server)."""
    providers: dict[str, dict[str, object]] = {}
    if config.oidc:
        providers["openid_connect"] = {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": OIDC,
                    "name": config.oidc["name"],
                    "client_id": config.oidc["client_id"],
                    "secret": config.oidc["secret"],
                    "settings": {"server_url": config.oidc["issuer"], "oauth_pkce_enabled": True},
                }
            ],
        }
    # The product's classes for Feishu and DingTalk whether they are on or not: allauth reads
    # them once, when it first lists its providers.
    providers["feishu"] = {
        "provider_class": "accounts.pages.feishu.provider.FeishuProvider",
        "APPS": [],
    }
    providers["dingtalk"] = {
        "provider_class": "accounts.pages.dingtalk.provider.DingTalkProvider",
        "APPS": [],
    }
    if config.feishu:
        providers["feishu"]["BASE_URL"] = config.feishu["base_url"]
        providers["feishu"]["APPS"] = [
            {"client_id": config.feishu["client_id"], "secret": config.feishu["secret"]}
        ]
    if config.dingtalk:
        providers["dingtalk"]["LOGIN_URL"] = config.dingtalk["login_url"]
        providers["dingtalk"]["API_URL"] = config.dingtalk["api_url"]
        providers["dingtalk"]["APPS"] = [
            {"client_id": config.dingtalk["client_id"], "secret": config.dingtalk["secret"]}
        ]
    return providers


def ldap_settings(config: SsoConfig) -> dict[str, object]:
    """The AUTH_LDAP_* settings of django-auth-ldap (empty when LDAP is off). Groups are read
    from LDAP_GROUP_BASE (groupOfNames, or Active Directory's groups) but
    never copied as groups of the product: SSO_ROLE_MAP says what they mean."""
    if not config.ldap:
        return {}
    import ldap
    from django_auth_ldap.config import LDAPSearch, NestedMemberDNGroupType

    ldap_config = config.ldap
    found: dict[str, object] = {
        "AUTH_LDAP_SERVER_URI": ldap_config["server_uri"],
        "AUTH_LDAP_BIND_DN": ldap_config["bind_dn"],
        "AUTH_LDAP_BIND_PASSWORD": ldap_config["bind_password"],
        "AUTH_LDAP_START_TLS": bool(ldap_config["start_tls"]),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            ldap_config["user_base"], ldap.SCOPE_SUBTREE, ldap_config["user_filter"]
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": "givenName",
            "last_name": "sn",
            "email": ldap_config["email_attr"],
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_MIRROR_GROUPS": False,
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,
            ldap.OPT_NETWORK_TIMEOUT: 5,
            ldap.OPT_TIMEOUT: 10,
        },
        "LDAP_EMPLOYEE_NO_ATTR": ldap_config["employee_no_attr"],
        "LDAP_EMAIL_ATTR": ldap_config["email_attr"],
    }
    if ldap_config["group_base"]:
        found["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
            ldap_config["group_base"],
            ldap.SCOPE_SUBTREE,
            "(|(objectClass=groupOfNames)(objectClass=group))",
        )
        found["AUTH_LDAP_GROUP_TYPE"] = NestedMemberDNGroupType(member_attr="member")
    return found
