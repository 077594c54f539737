"""Sending one webhook request: the body, its signature, and an HTTP POST that goes only where
it is allowed to go.

A receiver checks a delivery like this (Python)::

    expected = "sha256=" + hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    hmac.compare_digest(expected, request.headers["X-Hrperf-Signature"])

where ``timestamp`` is the ``X-Hrperf-Timestamp`` header (Unix seconds; refuse old ones to stop
replays) and ``body`` the raw request body. ``X-Hrperf-Delivery`` (the event's id) is the same
on every retry of one event, so a receiver can ignore a delivery it has already processed.

Addresses (`clients.addresses`): every address the host resolves to must be public (with
``WEBHOOK_ALLOW_PRIVATE``, also private or loopback), when the webhook is added and again each
time a delivery is sent: the host is resolved once per attempt, every address is checked, and the
connection is made to an address that was checked, so a name that resolves differently by then
cannot lead the request inside the network. The request still names the host (``Host``, TLS
server name and certificate check). Redirects are not followed (a 3xx answer is a failed
attempt) and no proxy is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clients.addresses import address_allowed, address_refusal

TIMEOUT_SECONDS = 5.0
USER_AGENT = "hrperf-webhooks/1"
MAX_URL_LENGTH = 500
SCHEMES = ("http", "https")
RESPONSE_BYTES = 4096


class AddressRefused(OSError):
    """The host resolves to an address that webhooks may not reach."""


@dataclass(frozen=True)
class Outcome:
    """What came of one POST: the HTTP status (None when no answer came), an error text (empty
    on success), whether sending the same request again cannot succeed (`permanent`), and the
    start of the answer's body (for callers that read the receiver's own result code)."""

    status_code: int | None
    error: str
    permanent: bool = False
    response: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error

    @property
    def retryable(self) -> bool:
        return not self.ok and not self.permanent


def url_problem(url: str, *, allow_private: bool) -> str | Promise | None:
    """Why `url` cannot be a webhook's address, or None if it can. A host name is resolved only
    in production (with ``WEBHOOK_ALLOW_PRIVATE``, only an IP address in the URL is checked
    here); every delivery checks what the name resolves to then."""
    if len(url) > MAX_URL_LENGTH:
        return _("The URL is too long: at most %(max)s characters.") % {"max": MAX_URL_LENGTH}
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        return _("Enter an address that starts with http:// or https://.")
    if "@" in parts.netloc:
        return _("The URL must not contain a user name or password.")
    if not parts.hostname:
        return _("The URL has no host name.")
    try:
        port = parts.port
    except ValueError:
        return _("The URL's port is not valid.")
    if allow_private and not _is_ip_address(parts.hostname):
        return None
    try:
        addresses = _resolve(parts.hostname, port or _default_port(parts.scheme))
    except (OSError, ValueError):  # ValueError: UnicodeError of a label empty or too long
        return _("The URL's host name cannot be found.")
    refused = [a for a in addresses if not address_allowed(a, allow_private=allow_private)]
    if not addresses or refused:
        return _(
            "The URL points to a private, local or reserved network address (%(address)s), "
            "which is not allowed."
        ) % {"address": refused[0] if refused else parts.hostname}
    return None


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _default_port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80


def _resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _connect(host: str, port: int, timeout: float, allow_private: bool) -> socket.socket:
    """A TCP connection to `host`, resolved once: every address it resolves to must be allowed
    (AddressRefused otherwise), and the connection goes to one of those checked addresses."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_info, sockaddr in infos:
        refusal = address_refusal(str(sockaddr[0]), allow_private=allow_private)
        if refusal is not None:
            raise AddressRefused(f"{host}: {refusal}")
    error: OSError = OSError(f"{host} has no address")
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, timeout: float, allow_private: bool) -> None:
        super().__init__(host, port, timeout=timeout)
        self.allow_private = allow_private

    def connect(self) -> None:
        self.sock = _connect(self.host, self.port, TIMEOUT_SECONDS, self.allow_private)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, *, timeout: float, allow_private: bool, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.allow_private = allow_private
        self.tls = context

    def connect(self) -> None:
        sock = _connect(self.host, self.port, TIMEOUT_SECONDS, self.allow_private)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def delivery_body(
    *, event: str, event_id: str, created_at: dt.datetime, payload: dict[str, Any]
) -> bytes:
    """The JSON body of a delivery: the same bytes on every attempt."""
    envelope = {
        "id": event_id,
        "event": event,
        "created_at": timezone.localtime(created_at).isoformat(),
        "data": payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


def post(
    url: str,
    *,
    body: bytes,
    secret: str,
    event: str,
    event_id: str,
    now: dt.datetime,
    allow_private: bool,
) -> Outcome:
    """POST one signed delivery; never raises for a network or HTTP problem."""
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Hrperf-Event": event,
        "X-Hrperf-Delivery": event_id,
        "X-Hrperf-Timestamp": timestamp,
        "X-Hrperf-Signature": signature(secret, timestamp, body),
    }
    return post_json(url, body=body, headers=headers, allow_private=allow_private)


def post_json(url: str, *, body: bytes, headers: dict[str, str], allow_private: bool) -> Outcome:
    """POST `body` to `url` with `headers`, through a connection to a checked address (see the
    module's docstring): no redirect is followed, no proxy is used, at most TIMEOUT_SECONDS per
    step. Never raises for a network or HTTP problem; an address refused is a permanent failure
    and the request is not sent. The answer's first RESPONSE_BYTES are kept in the Outcome."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or _default_port(parts.scheme)
    except ValueError:
        return Outcome(None, "invalid port in the URL", permanent=True)
    connection: http.client.HTTPConnection
    if parts.scheme.lower() == "https":
        connection = _HTTPSConnection(
            host,
            port,
            timeout=TIMEOUT_SECONDS,
            allow_private=allow_private,
            context=ssl.create_default_context(),
        )
    else:
        connection = _HTTPConnection(
            host, port, timeout=TIMEOUT_SECONDS, allow_private=allow_private
        )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read(RESPONSE_BYTES)
        status = response.status
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return Outcome(None, _describe(exc), permanent=isinstance(exc, AddressRefused))
    finally:
        connection.close()
    if 200 <= status < 300:
        return Outcome(status, "", response=content)
    return Outcome(status, f"HTTP {status} {response.reason}"[:200], response=content)


def _describe(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:500]
