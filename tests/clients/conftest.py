"""API clients for the tests, and a webhook receiver: a small HTTP server on 127.0.0.1 that
records each request and answers with the status it is told to."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from clients import services, tasks
from clients.models import ApiClient


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next of `statuses` (then `status`), after `delay` s."""

    url: str = ""
    status: int = 200
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else self.status


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with state.lock:
                state.requests.append(
                    Received(path=self.path, headers=dict(self.headers.items()), body=body)
                )
            if state.delay:
                time.sleep(state.delay)
            self.send_response(state.next_status())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/hrperf"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def closed_port() -> int:
    """A local port that nothing listens on: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def allow_private() -> Iterator[None]:
    """Webhooks may target 127.0.0.1 (the receiver)."""
    with override_settings(WEBHOOK_ALLOW_PRIVATE=True):
        yield


@pytest.fixture
def payroll_client(db: None) -> ApiClient:
    return services.client_create(actor=None, name="payroll", description="Payroll system")


@dataclass
class Enqueued:
    delivery_id: int
    countdown: float | None


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[Enqueued]:
    """The delivery tasks handed to the broker, recorded instead of sent."""
    calls: list[Enqueued] = []

    def apply_async(args: tuple[int], countdown: float | None = None, **kwargs: Any) -> None:
        calls.append(Enqueued(delivery_id=args[0], countdown=countdown))

    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", apply_async)
    return calls
