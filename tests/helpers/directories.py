"""Helpers of the sign-in tests against real directories: a slapd of the test's own (from a
temporary folder, with its own configuration and entries, on 127.0.0.1 and a port the test
picks; never the system's), the sign-in settings of an environment, and free ports.

Debian's slapd and ldap-utils: `DEBIAN_FRONTEND=noninteractive apt-get install -y slapd
ldap-utils` (.ci/run installs them). Without slapd a test skips with the reason, or fails when
HRPERF_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from accounts import policies
from tests.helpers.services import skip_or_fail

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SUFFIX = "dc=hrperf,dc=test"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "admin-secret"
PEOPLE_BASE = f"ou=people,{SUFFIX}"
GROUPS_BASE = f"ou=groups,{SUFFIX}"
DIRECTORY_PASSWORD = "directory-pass-1"
START_SECONDS = 20

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {folder}/data
access to attrs=userPassword by anonymous auth by * none
access to * by * read
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[Any], what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start (exit {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {START_SECONDS} s")


def person_ldif(uid: str, name: str, *, employee_no: str = "", mail: str = "") -> str:
    lines = [
        f"dn: uid={uid},{PEOPLE_BASE}",
        "objectClass: inetOrgPerson",
        f"uid: {uid}",
        f"cn: {name}",
        f"sn: {name}",
        f"userPassword: {DIRECTORY_PASSWORD}",
    ]
    if employee_no:
        lines.append(f"employeeNumber: {employee_no}")
    if mail:
        lines.append(f"mail: {mail}")
    return "\n".join(lines) + "\n"


def group_ldif(name: str, members: list[str]) -> str:
    lines = [f"dn: cn={name},{GROUPS_BASE}", "objectClass: groupOfNames", f"cn: {name}"]
    lines += [f"member: uid={uid},{PEOPLE_BASE}" for uid in members]
    return "\n".join(lines) + "\n"


def base_ldif() -> str:
    return (
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: hrperf\n"
        "o: hrperf test\n\n"
        f"dn: {PEOPLE_BASE}\nobjectClass: organizationalUnit\nou: people\n\n"
        f"dn: {GROUPS_BASE}\nobjectClass: organizationalUnit\nou: groups\n"
    )


class Slapd:
    """One slapd of a test's own: `start(ldif)` loads the entries with slapadd and serves them
    on 127.0.0.1:`port`; `stop()` ends that process (by its id) and nothing else."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def start(self, entries: str) -> None:
        if not (Path(SLAPD).is_file() and Path(SLAPADD).is_file()):
            skip_or_fail(
                "slapd is not installed (DEBIAN_FRONTEND=noninteractive apt-get install -y "
                "slapd ldap-utils)"
            )
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        config = self.folder / "slapd.conf"
        config.write_text(
            CONFIG.format(
                folder=self.folder, suffix=SUFFIX, admin=ADMIN_DN, password=ADMIN_PASSWORD
            ),
            encoding="utf-8",
        )
        data = self.folder / "entries.ldif"
        data.write_text(base_ldif() + "\n" + entries, encoding="utf-8")
        loaded = subprocess.run(
            [SLAPADD, "-f", str(config), "-l", str(data)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if loaded.returncode != 0:
            raise RuntimeError(f"slapadd refused the test entries: {loaded.stderr}")
        self.port = free_port()
        self.process = subprocess.Popen(
            [SLAPD, "-d", "0", "-h", f"{self.uri}/", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_for_port(self.port, self.process, "slapd")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def sign_in_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings that hrperf/settings.py makes of the sign-in variables of `env`, for
    override_settings (a test's configuration, as the start-up would read it)."""
    config = policies.read_config(env, debug=True)
    backends = [
        "axes.backends.AxesStandaloneBackend",
        "accounts.pages.backends.LocalPasswordBackend",
    ]
    if config.ldap:
        backends.append("accounts.pages.backends.DirectoryBackend")
    return {
        "SSO": config,
        "LOCAL_LOGIN_ENABLED": config.local_login,
        "SSO_ROLE_MAP": config.role_map,
        "SSO_EMPLOYEE_MATCH": config.employee_match,
        "AUTHENTICATION_BACKENDS": backends,
        "SOCIALACCOUNT_PROVIDERS": policies.allauth_providers(config),
        **policies.ldap_settings(config),
    }


# -- the people of the test directories --------------------------------------------------------

# The same people in the test slapd, the test OpenID Connect provider and the stand-ins of
# Feishu and DingTalk: their groups, their employee numbers (the roster of `directory_roster`)
# and e-mail addresses.
PEOPLE: dict[str, dict[str, Any]] = {
    "dir-hr": {"groups": ["hr"], "employee_no": "", "email": "hr@corp.test"},
    "dir-director": {"groups": ["directors"], "employee_no": "", "email": "boss@corp.test"},
    "dir-head": {"groups": ["heads"], "employee_no": "E20001", "email": "head@corp.test"},
    "dir-staff": {"groups": ["staff"], "employee_no": "E20002", "email": "staff@corp.test"},
    "dir-nobody": {"groups": [], "employee_no": "E20003", "email": "nobody@corp.test"},
}
ROLE_MAP = f"hr=cn=hr,{GROUPS_BASE};director=directors;head=heads;employee=staff|heads"


def directory_entries() -> str:
    entries = [
        person_ldif(uid, uid, employee_no=person["employee_no"], mail=person["email"])
        for uid, person in PEOPLE.items()
    ]
    names = sorted({group for person in PEOPLE.values() for group in person["groups"]})
    entries += [
        group_ldif(name, [uid for uid, person in PEOPLE.items() if name in person["groups"]])
        for name in names
    ]
    return "\n".join(entries)


def ldap_environment(slapd: Slapd, **extra: str) -> dict[str, str]:
    return {
        "LDAP_SERVER_URI": slapd.uri,
        "LDAP_BIND_DN": ADMIN_DN,
        "LDAP_BIND_PASSWORD": ADMIN_PASSWORD,
        "LDAP_USER_BASE": PEOPLE_BASE,
        "LDAP_GROUP_BASE": GROUPS_BASE,
        "SSO_ROLE_MAP": ROLE_MAP,
        **extra,
    }


def follow_provider(session: Any, url: str, *, username: str = "", password: str = "") -> str:
    """Follow a provider's pages from its authorize address, signing in on its login page when
    it shows one, until it sends the browser back to the product: returns that address."""
    for _step in range(10):
        answer = session.get(url, allow_redirects=False, timeout=10)
        if answer.status_code in (301, 302, 303):
            location = answer.headers["Location"]
            if "/sso/" in location and "callback" in location:
                return str(location)
            url = urljoin(url, location)
            continue
        if 'name="username"' not in answer.text:
            raise AssertionError(f"the provider answered: {answer.text[-2500:]}")
        token = session.cookies.get("csrftoken")
        answer = session.post(
            url,
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, f"the provider refused the sign-in: {answer.text[-1500:]}"
        url = urljoin(url, answer.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


# -- the test OpenID Connect provider ----------------------------------------------------------


@dataclass(frozen=True)
class OidcProvider:
    """The test provider's address and the product's client there (tests/oidc_provider/)."""

    port: int
    client_id: str
    client_secret: str

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    def environment(self, **extra: str) -> dict[str, str]:
        return {
            "SSO_OIDC_ISSUER": self.issuer,
            "SSO_OIDC_CLIENT_ID": self.client_id,
            "SSO_OIDC_CLIENT_SECRET": self.client_secret,
            "SSO_OIDC_NAME": "Test IdP",
            **extra,
        }


# -- a stand-in of Feishu's and DingTalk's OAuth endpoints -------------------------------------


class PlatformStandIn:
    """Feishu's and DingTalk's documented OAuth endpoints on 127.0.0.1 (a thread of the test):
    the authorize page sends the browser straight back with a code for `person` (as after the
    person agreed), the token endpoints check the app's credentials and the code, the user
    info endpoints answer the person's profile. `calls` records each endpoint reached."""

    FEISHU_ID, FEISHU_SECRET = "cli_test_app", "feishu-secret"
    DINGTALK_ID, DINGTALK_SECRET = "ding-test-app", "dingtalk-secret"

    def __init__(self) -> None:
        self.person = "dir-staff"
        self.codes: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.calls: list[str] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def environment(self, **extra: str) -> dict[str, str]:
        return {
            "SSO_FEISHU_APP_ID": self.FEISHU_ID,
            "SSO_FEISHU_APP_SECRET": self.FEISHU_SECRET,
            "SSO_FEISHU_BASE_URL": self.url,
            "SSO_DINGTALK_CLIENT_ID": self.DINGTALK_ID,
            "SSO_DINGTALK_CLIENT_SECRET": self.DINGTALK_SECRET,
            "SSO_DINGTALK_LOGIN_URL": self.url,
            "SSO_DINGTALK_API_URL": self.url,
            **extra,
        }

    def start(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _platform_handler(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def issue_code(self) -> str:
        code = secrets.token_urlsafe(12)
        self.codes[code] = self.person
        return code

    def issue_token(self, code: str) -> str | None:
        person = self.codes.pop(code, None)
        if person is None:
            return None
        token = secrets.token_urlsafe(12)
        self.tokens[token] = person
        return token

    def profile(self, token: str, platform: str) -> dict[str, Any] | None:
        username = self.tokens.get(token)
        if username is None:
            return None
        person = PEOPLE[username]
        if platform == "feishu":
            return {
                "name": username,
                "open_id": f"ou_{username}",
                "union_id": f"on_{username}",
                "email": person["email"],
                "enterprise_email": person["email"],
                "employee_no": person["employee_no"],
            }
        return {
            "nick": username,
            "openId": f"ding-open-{username}",
            "unionId": f"ding-union-{username}",
            "email": person["email"],
            "mobile": "13800000000",
        }


def _platform_handler(state: PlatformStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any] | None = None, **headers: str) -> None:
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                return dict(json.loads(raw or "{}"))
            return {key: values[0] for key, values in parse_qs(raw).items()}

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            state.calls.append(f"GET {parts.path}")
            if parts.path == "/open-apis/authen/v1/index":  # Feishu's authorize page
                ok = query.get("app_id") == state.FEISHU_ID
                code = urlencode({"code": state.issue_code(), "state": query.get("state", "")})
                return self._redirect(query["redirect_uri"], code) if ok else self._answer(400)
            if parts.path == "/oauth2/auth":  # DingTalk's authorize page
                ok = query.get("client_id") == state.DINGTALK_ID
                code = urlencode({"authCode": state.issue_code(), "state": query.get("state", "")})
                return self._redirect(query["redirect_uri"], code) if ok else self._answer(400)
            if parts.path == "/open-apis/authen/v1/user_info":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                profile = state.profile(token, "feishu")
                if profile is None:
                    return self._answer(200, {"code": 99991663, "msg": "invalid access token"})
                return self._answer(200, {"code": 0, "msg": "success", "data": profile})
            if parts.path == "/v1.0/contact/users/me":
                profile = state.profile(self.headers.get("x-acs-dingtalk-access-token", ""), "ding")
                return self._answer(200, profile) if profile else self._answer(401)
            return self._answer(404)

        def _redirect(self, target: str, query: str) -> None:
            self._answer(302, Location=f"{target}?{query}")

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            state.calls.append(f"POST {path}")
            if path == "/open-apis/auth/v3/app_access_token/internal/":
                ok = (body.get("app_id"), body.get("app_secret")) == (
                    state.FEISHU_ID,
                    state.FEISHU_SECRET,
                )
                answer = {"code": 0, "app_access_token": "t-app", "expire": 7200}
                return self._answer(200, answer if ok else {"code": 10003, "msg": "bad app"})
            if path == "/open-apis/authen/v1/access_token":
                token = state.issue_token(str(body.get("code", "")))
                if body.get("app_access_token") != "t-app" or token is None:
                    return self._answer(200, {"code": 20007, "msg": "bad code"})
                data = {"access_token": token, "token_type": "Bearer", "expires_in": 6900}
                return self._answer(200, {"code": 0, "msg": "success", "data": data})
            if path == "/v1.0/oauth2/userAccessToken":
                ok = (body.get("clientId"), body.get("clientSecret")) == (
                    state.DINGTALK_ID,
                    state.DINGTALK_SECRET,
                )
                token = state.issue_token(str(body.get("code", ""))) if ok else None
                if token is None:
                    return self._answer(400, {"code": "invalidAuthCode"})
                answer = {"accessToken": token, "refreshToken": "r", "expireIn": 7200}
                return self._answer(200, answer)
            return self._answer(404)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler
