"""The figures benchmark's code path, small: 30 employees, a real gunicorn server on the test
database, the whole quarter's template downloaded and imported back through the page and the
API, and a CSV of known changes. No timing is asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from bench import figures as bench
from reviews.models import Review, ReviewKpiLine
from tests.helpers.services import database_url, skip_or_fail, uses_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

EMPLOYEES = 30
CHANGES = 7


def test_the_harness_round_trips_the_figures_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not uses_postgresql():
        skip_or_fail(
            "The figures benchmark needs PostgreSQL (its data is made by PostgreSQL SQL, and a "
            "server process cannot share SQLite's in-memory test database): set DATABASE_URL"
        )
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "hrperf.settings")
    monkeypatch.setenv("DATABASE_URL", database_url())
    monkeypatch.delenv("DATABASE_OWNER_URL", raising=False)
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", settings.SECRET_KEY)

    result = bench.run(employees=EMPLOYEES, changes=CHANGES, log_path=tmp_path / "gunicorn.log")
    text = bench.report(result, header=[("cores", "2")])

    lines = ReviewKpiLine.objects.filter(review__cycle__period=bench.PERIOD)
    assert result.built.reviews == Review.objects.count() == EMPLOYEES
    assert result.built.lines == lines.count() > EMPLOYEES
    assert len(result.steps) == 5
    for step in result.steps:
        assert step.ok, (step.label, step.problem)
        assert step.nbytes > 0 and step.seconds > 0
        assert step.peak_rss_mb is not None and step.peak_rss_mb > 0
        assert step.label in text
    # The changed actuals are those of the file, the rest as built.
    changed = lines.order_by("pk")[:CHANGES]
    assert all(line.actual in (0, 1) for line in changed)
    assert "ERROR" not in text
