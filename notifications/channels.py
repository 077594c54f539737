"""Sending one message on one channel: a mail (text and HTML) or a robot's post. Each answers
a `Sent`: whether it went, the error if not, and whether trying again could help."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications import robots
from notifications.messages import Message
from notifications.models import Robot


@dataclass(frozen=True)
class Sent:
    ok: bool
    error: str = ""
    permanent: bool = False  # no retry can help (a refused address, a wrong secret)


def email(address: str, message: Message, language: str) -> Sent:
    """One mail, as text with an HTML alternative; an SMTP refusal is a failed delivery."""
    with override(language):
        footer = _("Change how you are told: %(link)s") % {
            "link": f"{settings.SITE_URL}/notifications/"
        }
        context = {"message": message, "footer": footer}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    mail = EmailMultiAlternatives(
        subject=message.title,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        connection=get_connection(),
    )
    mail.attach_alternative(html, "text/html")
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as exc:
        return Sent(False, _smtp_error(exc), permanent=True)
    except smtplib.SMTPResponseException as exc:
        return Sent(False, _smtp_error(exc), permanent=500 <= exc.smtp_code < 600)
    except (smtplib.SMTPException, OSError) as exc:
        return Sent(False, _smtp_error(exc))
    return Sent(True)


def _smtp_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"SMTP {exc.smtp_code}: {text}"[:500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(f"{rcpt}: {code}" for rcpt, (code, _msg) in exc.recipients.items())
        return f"SMTP refused the recipient ({codes})"[:500]
    return f"{exc.__class__.__name__}: {exc}"[:500]


def robot(target: Robot, message: Message, language: str) -> Sent:
    """One post to a Feishu, DingTalk or WeCom robot, signed as its platform documents."""
    with override(language):
        link_text = _("Open in hrperf")
    outcome = robots.send(
        target.platform,
        target.url,
        secret=target.secret,
        message=robots.RobotMessage(
            title=message.title, lines=message.lines, link=message.link, link_text=link_text
        ),
        now=timezone.now(),
        allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
    )
    if outcome.ok:
        return Sent(True)
    return Sent(False, outcome.error, permanent=outcome.permanent)
