"""The pages benchmark's code path, small: 50 reviews, a real gunicorn server on the test
database, a few requests per page. No timing is asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from bench import pages as bench
from reviews.models import ApprovedResult, Review, VerbalWarning
from tests.helpers.services import database_url, skip_or_fail, uses_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REVIEWS = 50
REQUESTS = 3


def test_the_harness_times_and_reports_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not uses_postgresql():
        skip_or_fail(
            "The pages benchmark needs PostgreSQL (its data is made by PostgreSQL SQL, and a "
            "server process cannot share SQLite's in-memory test database): set DATABASE_URL"
        )
    # The server process: the production settings on the test database.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "hrperf.settings")
    monkeypatch.setenv("DATABASE_URL", database_url())
    monkeypatch.delenv("DATABASE_OWNER_URL", raising=False)
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", settings.SECRET_KEY)
    page_list = bench.pages(deep_page=2)

    built, results, files = bench.run(
        reviews=REVIEWS,
        requests_=REQUESTS,
        workers=1,
        log_path=tmp_path / "gunicorn.log",
        page_list=page_list,
    )
    text = bench.report(built, results, files, header=[("cores", "2")])

    cycle_reviews = Review.objects.filter(cycle__period=bench.PERIOD)
    assert built.reviews == cycle_reviews.count() >= REVIEWS
    states = set(cycle_reviews.values_list("state", flat=True))
    assert {"draft", "scored", "returned", "approved"} <= states, states
    assert cycle_reviews.filter(state="scored", grade="").count() == 0
    assert ApprovedResult.objects.count() == cycle_reviews.filter(state="approved").count()
    assert VerbalWarning.objects.count() == built.warnings
    assert [result.page for result in results] == page_list
    for result in results:
        assert result.page.label in text
        assert result.ok, (result.page.label, result.problem)
        assert len(result.timings) == REQUESTS and all(t > 0 for t in result.timings)
        assert result.queries is not None and result.queries > 0
    # The whole quarter's figures template, both formats, downloaded and imported back; the
    # rating grid's drafts saved in one request.
    assert [item.label for item in files] == [
        "template .xlsx",
        "import .xlsx",
        "template .csv",
        "import .csv",
        f"grid save, {built.states.get('draft', 0)} rows",
    ]
    assert all(item.ok and item.nbytes > 0 for item in files), files
    assert "ERROR" not in text


def test_login_refuses_a_wrong_password() -> None:
    with pytest.raises(OSError):
        bench.login("http://127.0.0.1:9", "nobody", "wrong")
