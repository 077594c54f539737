"""HR told about a new verbal warning."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from reviews.models import VerbalWarning
from reviews.services.warnings import warning_notify
from tests.helpers.notifications import send_due

pytestmark = pytest.mark.django_db


def test_the_warning_mail_writes_the_total_as_a_score(personas, page_quarter) -> None:
    hr = personas["hr"]
    hr.email = "hr@example.com"
    hr.save(update_fields=["email"])
    warning = VerbalWarning.objects.create(
        review=page_quarter.reviews["E00002"], review_version=1, total_score=Decimal("55.5")
    )
    with translation.override("en"):  # the message is in HR's language, not the caller's
        assert warning_notify(warning_id=warning.pk)
    assert send_due() == ["sent"]
    [message] = mail.outbox
    assert "55.50" in message.body and "（E00002）" in message.body
    assert message.subject.startswith("口头警告：")
