"""A local SMTP server for the mail tests (the `smtp_server` fixture,
tests/fixtures/notifications.py): aiosmtpd on 127.0.0.1 and a free port, collecting each mail
it receives, able to refuse the next ones with a 4xx or 5xx reply. `django_settings()` points
Django's SMTP backend at it::

    with smtp_server.django_settings():
        send_mail("Subject", "Body", "hr@example.com", ["someone@example.com"])
    [mail] = smtp_server.received
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.test import override_settings

TEMPORARY = "451 4.3.0 Try again later"
PERMANENT = "550 5.7.1 Message refused"


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


@dataclass
class SMTPServer:
    """What the server received, and the replies it still owes (`refuse_next`)."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[ReceivedMail] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    def refuse_next(self, count: int = 1, *, permanent: bool = False) -> None:
        """Refuse the next `count` messages (at DATA) with a 451, or a 550 if `permanent`."""
        with self.lock:
            self.refusals.extend([PERMANENT if permanent else TEMPORARY] * count)

    def django_settings(self) -> override_settings:
        """Settings that make Django's SMTP backend send to this server (no TLS, no login)."""
        return override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=self.host,
            EMAIL_PORT=self.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=5,
        )

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            refusal = self.refusals.pop(0) if self.refusals else None
        if refusal is not None:
            return refusal
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(
                ReceivedMail(
                    mail_from=envelope.mail_from or "",
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    message=message,
                )
            )
        return "250 Message accepted for delivery"

    def start(self) -> SMTPServer:
        error: OSError | None = None
        for _attempt in range(3):  # a free port may be taken between finding and binding it
            self.port = _free_port(self.host)
            controller = Controller(self, hostname=self.host, port=self.port)
            try:
                controller.start()
            except (OSError, RuntimeError) as exc:
                error = OSError(str(exc))
                continue
            self.controller = controller
            return self
        raise error or OSError("no free port for the SMTP server")

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def text_of(message: EmailMessage, subtype: str) -> str:
    """The decoded text of the `text/<subtype>` part of `message`."""
    part: Any = message.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_type() == f"text/{subtype}"
    return str(part.get_content())
