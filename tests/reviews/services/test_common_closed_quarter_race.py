"""A change and the closing of its quarter never cross (PostgreSQL): a change under way holds
the quarter's row for share, so the closing waits for it to commit (here: gives up at a short
lock timeout), and closes once it has."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction

from reviews import services
from reviews.models import ReviewCycle
from reviews.services.common import require_open
from reviews.workflow import Action
from tests.helpers.services import uses_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_closing_waits_for_a_change_under_way(personas, closable_quarter):
    if not uses_postgresql():
        pytest.skip("row locks need PostgreSQL")
    started, release = threading.Event(), threading.Event()

    def change() -> None:
        try:
            with transaction.atomic():
                require_open(closable_quarter.pk, Action.SET_FIGURES)
                started.set()
                release.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=change)
    writer.start()
    try:
        assert started.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            with pytest.raises(OperationalError):
                services.cycle_close(actor=personas["hr"], cycle=closable_quarter)
        assert ReviewCycle.objects.get(pk=closable_quarter.pk).status == "open"
    finally:
        release.set()
        writer.join(10)
    services.cycle_close(actor=personas["hr"], cycle=closable_quarter)
    assert ReviewCycle.objects.get(pk=closable_quarter.pk).status == "closed"
