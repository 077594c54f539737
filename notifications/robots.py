"""Group robots: Feishu's custom bot (飞书自定义机器人, also Lark), DingTalk's custom robot
(钉钉自定义机器人) and WeCom's group robot (企业微信群机器人): checking an address and a
secret, building a message as each platform documents it, and sending it.

As the platforms document them:

- Feishu, https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (Lark:
  https://open.larksuite.com/document/client-docs/bot-v3/add-custom-bot). The address is
  ``https://open.feishu.cn/open-apis/bot/v2/hook/<token>``. With 签名校验 (signature check) on,
  the JSON body carries ``timestamp`` (Unix seconds, within an hour of Feishu's clock) and
  ``sign`` = Base64(HMAC-SHA256 with the key ``"<timestamp>\\n<secret>"`` over an empty
  message). Messages: ``msg_type`` "post" (rich text: a title and lines of ``text`` and ``a``
  elements, per language). The answer is HTTP 200 with ``{"code": 0, "msg": "success"}`` (older
  robots: ``{"StatusCode": 0}``); 19021 is a bad signature or a timestamp out of the window,
  19022 an address not on the robot's IP list, 19024 a keyword missing, 11232 too many messages
  (100 a minute, 5 a second).
- DingTalk, https://open.dingtalk.com/document/robots/custom-robot-access and
  https://open.dingtalk.com/document/robots/customize-robot-security-settings. The address is
  ``https://oapi.dingtalk.com/robot/send?access_token=<token>``. With 加签 (signing) on, the
  query also carries ``timestamp`` (Unix milliseconds, within an hour) and ``sign`` =
  urlEncode(Base64(HMAC-SHA256 with the key ``secret`` over ``"<timestamp>\\n<secret>"``)); the
  secret is the string starting with "SEC" shown on the robot's security settings. Messages:
  ``msgtype`` "markdown" with ``title`` (the notification's preview) and ``text``. The answer is
  ``{"errcode": 0, "errmsg": "ok"}``; 310000 is a bad signature, a keyword missing or an address
  not on the IP list, 300001 an unknown token, 130101 and 410100 too many messages (20 a
  minute).
- WeCom, https://developer.work.weixin.qq.com/document/path/91770. The address is
  ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>``; the key is the only
  credential (no signature). Messages: ``msgtype`` "markdown" with ``content`` of at most 4096
  bytes of UTF-8. The answer is ``{"errcode": 0, "errmsg": "ok"}``; 93000 is an unknown key,
  40058 a content too long, 45009 too many messages (20 a minute).

Secrets: Feishu's is optional (a robot may rely on keywords or an IP list instead) and DingTalk's
too, though DingTalk requires one of the three and signing is the one that survives a leaked
address, so the forms should recommend it; WeCom's robots have no secret, and one given is an
error. What each platform answers decides whether a failure is `permanent` (a bad signature,
token or keyword: sending again cannot help) or worth retrying (a rate limit, a 5xx, a network
error).

Addresses: each platform's hosts come from ``settings.NOTIFY_ROBOT_HOSTS`` (platform -> hosts
such as "open.feishu.cn", "host:port", or "http://127.0.0.1:8080"); the scheme must be https,
except for a host listed with an explicit "http://" (a local stand-in in tests or a private
deployment's relay), which must then be reached over http. The outbound address rules of the
webhooks (`clients.webhooks.url_problem`) apply too, and the message goes through the same
connection code (`clients.webhooks.post_json`): resolved once, every address checked, no
redirect, no proxy, a 5 s timeout.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clients import webhooks
from clients.webhooks import Outcome

USER_AGENT = "hrperf-notifications/1"
WECOM_MAX_BYTES = 4096  # markdown.content, UTF-8
MAX_SECRET_LENGTH = 128
ELLIPSIS = "…"


class Platform(models.TextChoices):
    FEISHU = "feishu", _("Feishu")
    DINGTALK = "dingtalk", _("DingTalk")
    WECOM = "wecom", _("WeCom")


@dataclass(frozen=True)
class Shape:
    """Where a platform's robot lives: its path and how the token appears (the last path
    segment, or the only query parameter `query_key`)."""

    example: str
    path: str
    query_key: str = ""
    id_pattern: str = r"[A-Za-z0-9_-]{8,128}"


SHAPES: dict[str, Shape] = {
    Platform.FEISHU: Shape(
        example="https://open.feishu.cn/open-apis/bot/v2/hook/…",
        path=r"/open-apis/bot/v2/hook/(?P<token>[A-Za-z0-9_-]{8,128})",
    ),
    Platform.DINGTALK: Shape(
        example="https://oapi.dingtalk.com/robot/send?access_token=…",
        path="/robot/send",
        query_key="access_token",
    ),
    Platform.WECOM: Shape(
        example="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
        path="/cgi-bin/webhook/send",
        query_key="key",
    ),
}

# Answers that are worth sending again later: rate limits and "system busy".
RETRYABLE_CODES: dict[str, frozenset[int]] = {
    Platform.FEISHU: frozenset({11232}),
    Platform.DINGTALK: frozenset({-1, 130101, 410100}),
    Platform.WECOM: frozenset({-1, 45009, 45033}),
}


@dataclass(frozen=True)
class RobotMessage:
    """One notification: a title, its lines of plain text, and an optional link."""

    title: str
    lines: tuple[str, ...]
    link: str = ""
    link_text: str = ""


# Addresses.


def allowed_hosts(platform: str) -> tuple[tuple[str, str, int | None], ...]:
    """(scheme, host, port or None) for each host NOTIFY_ROBOT_HOSTS lists for `platform`."""
    listed: dict[str, tuple[str, ...]] = getattr(settings, "NOTIFY_ROBOT_HOSTS", {})
    hosts = []
    for entry in listed.get(platform, ()):
        scheme = "http" if entry.lower().startswith("http://") else "https"
        parts = urlsplit(entry if "://" in entry else f"//{entry}")
        hosts.append((scheme, (parts.hostname or "").lower(), parts.port))
    return tuple(hosts)


def url_problem(platform: str, url: str, *, allow_private: bool) -> str | Promise | None:
    """Why `url` cannot be the address of a `platform` robot, or None if it can: the platform's
    host and path, then the outbound address rules of the webhooks."""
    problem = _shape_problem(platform, url)
    if problem is not None:
        return problem
    return webhooks.url_problem(url, allow_private=allow_private)


def _shape_problem(platform: str, url: str) -> str | Promise | None:
    if platform not in SHAPES:
        return _("Choose Feishu, DingTalk or WeCom.")
    shape, label = SHAPES[platform], Platform(platform).label
    if len(url) > webhooks.MAX_URL_LENGTH:
        return _("The URL is too long: at most %(max)s characters.") % {
            "max": webhooks.MAX_URL_LENGTH
        }
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return _("The URL's port is not valid.")
    host, scheme = (parts.hostname or "").lower(), parts.scheme.lower()
    candidates = [entry for entry in allowed_hosts(platform) if entry[1] == host]
    if candidates and not any(entry[0] == scheme for entry in candidates):
        return _("A %(platform)s robot address must start with %(scheme)s://.") % {
            "platform": label,
            "scheme": candidates[0][0],
        }
    effective = port or _port(scheme)
    at_host = any(s == scheme and (p or _port(s)) == effective for s, _h, p in candidates)
    token = _token_of(shape, parts.path, parts.query)
    if not (at_host and token) or parts.fragment or url.strip() != url:
        return _("This is not a %(platform)s robot address: it must look like %(example)s.") % {
            "platform": label,
            "example": shape.example,
        }
    return None


def _port(scheme: str) -> int:
    return 80 if scheme == "http" else 443


def _token_of(shape: Shape, path: str, query: str) -> str:
    """The robot's token in `path` and `query`, or "" if they are not the platform's shape
    (another path, a missing or malformed token, any other query parameter)."""
    if not shape.query_key:
        match = re.fullmatch(shape.path, path)
        return match.group("token") if match and not query else ""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return ""
    if path != shape.path or len(pairs) != 1 or pairs[0][0] != shape.query_key:
        return ""
    token = pairs[0][1]
    return token if re.fullmatch(shape.id_pattern, token) else ""


# Secrets.

SECRET_SHAPES: dict[str, str] = {
    Platform.FEISHU: r"[!-~]{8,128}",  # printable ASCII, no spaces
    Platform.DINGTALK: r"SEC[A-Za-z0-9]{16,125}",
}


def takes_secret(platform: str) -> bool:
    """Whether the platform's robots can sign messages (Feishu and DingTalk; not WeCom)."""
    return platform in SECRET_SHAPES


def secret_problem(platform: str, secret: str) -> str | Promise | None:
    """Why `secret` cannot be the signing secret of a `platform` robot, or None if it can. An
    empty secret is allowed (the robot does not sign); WeCom's robots take none."""
    if platform not in SHAPES:
        return _("Choose Feishu, DingTalk or WeCom.")
    if not secret:
        return None
    if not takes_secret(platform):
        return _("WeCom group robots have no signing secret: leave it empty.")
    if len(secret) > MAX_SECRET_LENGTH:
        return _("The secret is too long: at most %(max)s characters.") % {"max": MAX_SECRET_LENGTH}
    if re.fullmatch(SECRET_SHAPES[platform], secret):
        return None
    if platform == Platform.DINGTALK:
        return _(
            "A DingTalk signing secret starts with SEC followed by letters and digits: copy it "
            "from the robot's security settings (加签)."
        )
    return _(
        "A Feishu signing secret is at least 8 characters without spaces: copy it from the "
        "robot's security settings (签名校验)."
    )


# Signatures and bodies.


def feishu_sign(secret: str, timestamp: str) -> str:
    """Base64(HMAC-SHA256(key="<timestamp>\\n<secret>", message=b""))."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """Base64(HMAC-SHA256(key=secret, message="<timestamp>\\n<secret>")), before the URL
    encoding that putting it in the query does."""
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def body(
    platform: str, message: RobotMessage, *, secret: str, now: dt.datetime
) -> tuple[dict[str, str], bytes]:
    """The query parameters to add to the robot's address (DingTalk's timestamp and sign; the
    values as they are, `send` URL-encodes them) and the JSON body, for `platform`."""
    if platform == Platform.FEISHU:
        document = _feishu_post(message)
        if secret:
            timestamp = str(int(now.timestamp()))
            document.update(timestamp=timestamp, sign=feishu_sign(secret, timestamp))
        return {}, _json(document)
    if platform == Platform.DINGTALK:
        query: dict[str, str] = {}
        if secret:
            timestamp = str(int(now.timestamp() * 1000))
            query = {"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)}
        markdown = {"title": message.title, "text": _markdown(message, heading="####")}
        return query, _json({"msgtype": "markdown", "markdown": markdown})
    if platform == Platform.WECOM:
        content = truncate_utf8(_markdown(message, heading="###"), WECOM_MAX_BYTES)
        return {}, _json({"msgtype": "markdown", "markdown": {"content": content}})
    raise ValueError(f"unknown robot platform {platform!r}")


def _feishu_post(message: RobotMessage) -> dict[str, Any]:
    rows: list[list[dict[str, str]]] = [[{"tag": "text", "text": line}] for line in message.lines]
    if message.link:
        rows.append([{"tag": "a", "text": message.link_text or message.link, "href": message.link}])
    # One language only: Feishu shows it to every reader.
    post = {"zh_cn": {"title": message.title, "content": rows}}
    return {"msg_type": "post", "content": {"post": post}}


def _markdown(message: RobotMessage, *, heading: str) -> str:
    parts = [f"{heading} {_one_line(message.title)}", *message.lines]
    if message.link:
        text = _one_line(message.link_text or message.link).replace("]", ")")
        parts.append(f"[{text}]({message.link.replace(')', '%29')})")
    return "\n\n".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def truncate_utf8(text: str, limit: int) -> str:
    """`text` if its UTF-8 is at most `limit` bytes, else its longest start that fits with "…"
    after it, cut between characters."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode())
    return encoded[:room].decode("utf-8", errors="ignore") + ELLIPSIS


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


# Sending.


def send(
    platform: str,
    url: str,
    *,
    secret: str,
    message: RobotMessage,
    now: dt.datetime,
    allow_private: bool,
) -> Outcome:
    """Send `message` to the robot at `url`; never raises for a network or platform problem.
    An address that is not the platform's is a permanent failure and nothing is sent."""
    problem = _shape_problem(platform, url)
    if problem is not None:
        return Outcome(None, str(problem), permanent=True)
    query, content = body(platform, message, secret=secret, now=now)
    target = f"{url}&{urlencode(query)}" if query else url
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    sent = webhooks.post_json(target, body=content, headers=headers, allow_private=allow_private)
    return answer_outcome(platform, sent)


def answer_outcome(platform: str, sent: Outcome) -> Outcome:
    """`sent` (the HTTP result) read as the platform's answer: success only with its code 0; a
    rate limit, "system busy", a 5xx, a 429 or a network error is worth retrying; anything else
    (a bad signature, token or keyword, a redirect) is permanent."""
    status = sent.status_code
    if status is None:
        return sent
    code, text = _platform_code(sent.response)
    success = 200 <= status < 300
    if success and code == 0:
        return replace(sent, error="", permanent=False)
    retry = status >= 500 or status in (408, 429)
    if code is None or (code == 0 and not success):
        error = sent.error or f"{platform}: unexpected answer (HTTP {status})"
        # An answer without the platform's code: a proxy or an outage in between, unless the
        # HTTP status itself says the request cannot succeed (a redirect, a 4xx).
        return replace(sent, error=error[:500], permanent=not (retry or success))
    retry = retry or code in RETRYABLE_CODES.get(platform, frozenset())
    return replace(sent, error=f"{platform} {code}: {text}"[:500], permanent=not retry)


def _platform_code(response: bytes) -> tuple[int | None, str]:
    """The result code and message of a robot's JSON answer ("code"/"msg" or the older
    "StatusCode"/"StatusMessage" of Feishu, "errcode"/"errmsg" of DingTalk and WeCom)."""
    try:
        document = json.loads(response)
    except ValueError:
        return None, ""
    if not isinstance(document, dict):
        return None, ""
    for code_key, text_key in (
        ("code", "msg"),
        ("errcode", "errmsg"),
        ("StatusCode", "StatusMessage"),
    ):
        code = document.get(code_key)
        if isinstance(code, int) and not isinstance(code, bool):
            return code, str(document.get(text_key) or "")
    return None, ""
