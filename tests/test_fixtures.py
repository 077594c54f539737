"""The shared fixtures the page tests build on: the page quarter moves through the states with
the helpers of tests/helpers/pages.py; the local SMTP server that the mail tests send to."""

import smtplib

import pytest
from django.core.mail import send_mail

from reviews.models import Review
from tests.helpers.pages import approve, submit_and_score
from tests.helpers.smtp_server import text_of


def test_the_page_quarter_moves_through_the_states(page_quarter, personas):
    scored = submit_and_score(personas, page_quarter.reviews["E00003"])
    approved = approve(personas, page_quarter.reviews["E00002"])
    assert scored.total_score is not None
    assert approved.state == Review.State.APPROVED
    assert page_quarter.reviews["E00005"].state == Review.State.DRAFT


def test_the_smtp_server_receives_a_mail_sent_through_django(smtp_server):
    with smtp_server.django_settings():
        sent = send_mail(
            "考核待审批",
            "张伟的考核已提交。",
            "hr@example.com",
            ["manager@example.com", "director@example.com"],
            html_message="<p>张伟的考核<b>已提交</b>。</p>",
        )

    assert sent == 1
    [mail] = smtp_server.received
    assert mail.mail_from == "hr@example.com"
    assert mail.rcpt_tos == ("manager@example.com", "director@example.com")
    assert mail.message["Subject"] == "考核待审批"
    assert text_of(mail.message, "plain").strip() == "张伟的考核已提交。"
    assert text_of(mail.message, "html").strip() == "<p>张伟的考核<b>已提交</b>。</p>"


@pytest.mark.parametrize(("permanent", "code"), [(False, 451), (True, 550)])
def test_a_refusal_of_the_smtp_server_reaches_the_sender(smtp_server, permanent, code):
    smtp_server.refuse_next(1, permanent=permanent)

    with smtp_server.django_settings():
        with pytest.raises(smtplib.SMTPException) as refused:
            send_mail("考核", "正文", "hr@example.com", ["manager@example.com"])
        assert send_mail("考核", "再试一次", "hr@example.com", ["manager@example.com"]) == 1

    assert isinstance(refused.value, smtplib.SMTPResponseException)
    assert refused.value.smtp_code == code
    assert [text_of(mail.message, "plain").strip() for mail in smtp_server.received] == ["再试一次"]
