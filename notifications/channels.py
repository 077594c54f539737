"""Sending one message on one channel: a mail (text and HTML) or a robot's post. Each answers
a `Sent`: whether it went, the error if not, and whether trying again could help."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.html import format_html, format_html_join
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
        text = _text(message, footer)
        html = _html(message, footer, language)
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


def _text(message: Message, footer: str) -> str:
    lines = [message.title, "", *message.lines, "", message.link, "", "--", footer]
    return "\n".join(lines) + "\n"


# Mail readers drop style sheets: the mail's few styles are written on its elements.
HTML = (
    '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title>'
    "</head>"
    '<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a; '
    'max-width: 36rem; margin: 0 auto; padding: 1rem;">'
    '<h1 style="font-size: 1.25rem;">{}</h1>{}'
    '<p><a href="{}" style="display: inline-block; padding: .5rem 1rem; background: #1d4ed8; '
    'color: #fff; text-decoration: none; border-radius: 4px;">{}</a></p>'
    '<hr style="border: 0; border-top: 1px solid #ddd;">'
    '<p style="font-size: .875rem; color: #555;">{}</p></body></html>'
)


def _html(message: Message, footer: str, language: str) -> str:
    with override(language):
        button = _("Open in hrperf")
    paragraphs = format_html_join("", "<p>{}</p>", ((line,) for line in message.lines))
    return format_html(
        HTML, language, message.title, message.title, paragraphs, message.link, button, footer
    )


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
