"""The director's morning reminder of the reviews waiting for approval
(reviews.services.reminders)."""

from reviews import services
from tests.helpers.quarters import scored


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
