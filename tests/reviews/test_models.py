"""The review models: the audit trail cannot be edited."""

import pytest
from django.db import DatabaseError, transaction

from reviews.models import AuditEvent


def test_the_audit_trail_cannot_be_edited(fresh_quarter):
    event = AuditEvent.objects.filter(cycle=fresh_quarter).first()
    assert event is not None
    with pytest.raises(ValueError):
        event.save()
    # Refused by the trigger, and first by the privileges of the application's role.
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    event.refresh_from_db()
    assert event.reason != "rewritten"
