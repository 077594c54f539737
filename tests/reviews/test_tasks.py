"""The periodic schedule and the director's reminder."""

from hrperf.celery import app
from reviews import services, tasks
from tests.helpers.quarters import scored


def test_the_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
    assert tasks.remind_director.name == "reviews.remind_director"


def test_the_director_is_reminded_of_scored_reviews_waiting(fresh_quarter, personas, mailoutbox):
    personas["director"].email = "director@example.com"
    personas["director"].save()
    assert services.director_remind() == 0
    assert mailoutbox == []
    scored(personas)
    assert services.director_remind() == 1
    assert len(mailoutbox) == 1
    assert "2026Q3" in mailoutbox[0].body
    assert mailoutbox[0].to == ["director@example.com"]
