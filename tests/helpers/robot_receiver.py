"""A stand-in for the group robots of Feishu, DingTalk and WeCom: a local HTTP server (127.0.0.1,
a port of its own) that answers at each platform's documented path, checks each request as the
platform would (Feishu's and DingTalk's signature and one-hour timestamp window, WeCom's key,
WeCom's 4096-byte content limit), answers with the platform's JSON codes, and records every
message it accepts.

Used as a context manager, or through the `robot_receiver` fixture
(tests/fixtures/notifications.py), which also points NOTIFY_ROBOT_HOSTS at it::

    robot_receiver.add("feishu", "hook-token", secret="s3cret")
    url = robot_receiver.url("feishu", "hook-token")
    robot_receiver.fail_next(1, status=500)          # the next request: HTTP 500
    robot_receiver.fail_next(2, code=RATE_LIMITED)   # then the platform's rate-limit code
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

WINDOW_SECONDS = 3600
WECOM_MAX_BYTES = 4096
RATE_LIMITED = "rate-limited"  # fail_next(code=RATE_LIMITED): each platform's own code

# What each platform answers (HTTP 200 and a JSON body).
ANSWERS: dict[str, dict[str, tuple[int, str]]] = {
    "feishu": {
        "ok": (0, "success"),
        "bad-request": (9499, "Bad Request"),
        "token": (19001, "param invalid: incoming webhook access token invalid"),
        "sign": (19021, "sign match fail or timestamp is not within one hour from current time"),
        RATE_LIMITED: (11232, "frequency limited"),
    },
    "dingtalk": {
        "ok": (0, "ok"),
        "bad-request": (40035, "缺少参数 json"),
        "token": (300001, "token is not exist"),
        "sign": (310000, "sign not match"),
        RATE_LIMITED: (130101, "send too fast, exceed 20 times per minute"),
    },
    "wecom": {
        "ok": (0, "ok"),
        "bad-request": (40058, "markdown.content exceed max length 4096"),
        "token": (93000, "invalid webhook url"),
        RATE_LIMITED: (45009, "api freq out of limit"),
    },
}
FEISHU_PATH = re.compile(r"/open-apis/bot/v2/hook/(?P<token>[^/?]+)")


@dataclass(frozen=True)
class Accepted:
    """A message the stand-in accepted."""

    platform: str
    token: str
    body: dict[str, Any]
    query: dict[str, str]
    received_at: dt.datetime


@dataclass
class Failure:
    status: int = 200
    code: str = ""


@dataclass
class RobotReceiver:
    """The stand-in's configuration (robots by platform: token -> secret, "" for none) and what
    it saw. `clock` is the receiver's idea of now (Unix seconds), for the timestamp window."""

    robots: dict[str, dict[str, str]] = field(
        default_factory=lambda: {"feishu": {}, "dingtalk": {}, "wecom": {}}
    )
    accepted: list[Accepted] = field(default_factory=list)
    requests: int = 0
    clock: Callable[[], float] = time.time
    failures: list[Failure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # Configuration.

    def add(self, platform: str, token: str, *, secret: str = "") -> str:
        """A robot of `platform` with `token` (and signing `secret`); returns its address."""
        with self.lock:
            self.robots[platform][token] = secret
        return self.url(platform, token)

    def url(self, platform: str, token: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        if platform == "feishu":
            return f"{base}/open-apis/bot/v2/hook/{token}"
        if platform == "dingtalk":
            return f"{base}/robot/send?{urlencode({'access_token': token})}"
        return f"{base}/cgi-bin/webhook/send?{urlencode({'key': token})}"

    def hosts(self) -> dict[str, tuple[str, ...]]:
        """NOTIFY_ROBOT_HOSTS that sends every platform's messages here."""
        local = (f"http://127.0.0.1:{self.port}",)
        return {"feishu": local, "dingtalk": local, "wecom": local}

    def fail_next(self, count: int, *, status: int = 500, code: str = "") -> None:
        """Answer the next `count` requests with HTTP `status` (500 by default), or, with
        `code` (a key of ANSWERS such as RATE_LIMITED), HTTP 200 and the platform's code."""
        with self.lock:
            self.failures.extend(Failure(200 if code else status, code) for _ in range(count))

    # Running.

    def start(self) -> RobotReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, answer = receiver.handle(self.path, self.rfile.read(length))
                payload = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None

    def __enter__(self) -> RobotReceiver:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # Checking a request as the platform would.

    def handle(self, target: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(target)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        platform, token = _platform_and_token(parts.path, query)
        with self.lock:
            self.requests += 1
            failure = self.failures.pop(0) if self.failures else None
            known = self.robots.get(platform, {}) if platform else {}
            secret = known.get(token)
        if failure is not None and failure.status != 200:
            return failure.status, {"error": "Internal Server Error"}
        if platform is None:
            return 404, {"error": "not found"}
        if failure is not None:
            return 200, _answer(platform, failure.code)
        try:
            body = json.loads(raw)
        except ValueError:
            return 200, _answer(platform, "bad-request")
        problem = self._problem(platform, token, secret, body, query)
        if problem:
            return 200, _answer(platform, problem)
        with self.lock:
            self.accepted.append(Accepted(platform, token, body, query, dt.datetime.now(tz=dt.UTC)))
        return 200, _answer(platform, "ok")

    def _problem(
        self,
        platform: str,
        token: str,
        secret: str | None,
        body: Any,
        query: dict[str, str],
    ) -> str:
        if secret is None:
            return "token"
        if not isinstance(body, dict):
            return "bad-request"
        if platform == "feishu":
            if "msg_type" not in body:
                return "bad-request"
            if secret and not self._signed(
                str(body.get("timestamp", "")), str(body.get("sign", "")), secret, feishu=True
            ):
                return "sign"
        elif platform == "dingtalk":
            if "msgtype" not in body:
                return "bad-request"
            if secret and not self._signed(
                query.get("timestamp", ""), query.get("sign", ""), secret, feishu=False
            ):
                return "sign"
        else:
            content = body.get("markdown", {}).get("content", "")
            if body.get("msgtype") != "markdown" or len(content.encode()) > WECOM_MAX_BYTES:
                return "bad-request"
        return ""

    def _signed(self, timestamp: str, sign: str, secret: str, *, feishu: bool) -> bool:
        """The signature and the timestamp (seconds for Feishu, milliseconds for DingTalk),
        which must be within an hour of the receiver's clock."""
        if not timestamp.isdigit():
            return False
        seconds = int(timestamp) if feishu else int(timestamp) / 1000
        if abs(seconds - self.clock()) > WINDOW_SECONDS:
            return False
        if feishu:
            mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
        else:
            mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
        return hmac.compare_digest(base64.b64encode(mac.digest()).decode(), sign)


def _platform_and_token(path: str, query: dict[str, str]) -> tuple[str | None, str]:
    match = FEISHU_PATH.fullmatch(path)
    if match:
        return "feishu", match.group("token")
    if path == "/robot/send":
        return "dingtalk", query.get("access_token", "")
    if path == "/cgi-bin/webhook/send":
        return "wecom", query.get("key", "")
    return None, ""


def _answer(platform: str, outcome: str) -> dict[str, Any]:
    code, message = ANSWERS[platform].get(outcome, ANSWERS[platform]["bad-request"])
    if platform == "feishu":
        answer: dict[str, Any] = {"code": code, "msg": message, "data": {}}
        if code == 0:
            answer.update(StatusCode=0, StatusMessage="success")
        return answer
    return {"errcode": code, "errmsg": message}
