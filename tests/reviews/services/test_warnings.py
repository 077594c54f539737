"""Verbal warnings (reviews.services.warnings): HR is mailed once and acknowledges each with a
note."""

import pytest

from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from reviews import services
from reviews.models import VerbalWarning
from reviews.selectors import visibility
from tests.helpers.quarters import scored


def test_acknowledging_a_warning_needs_a_note_and_happens_once(fresh_quarter, personas):
    review = scored(personas, actual="40", director=2, hr=2)
    warning = VerbalWarning.objects.get(review=review)
    with pytest.raises(ValidationFailed):
        services.warning_acknowledge(actor=personas["hr"], warning=warning, note="")
    with pytest.raises(NotAllowed):
        services.warning_acknowledge(actor=personas["director"], warning=warning, note="谈话")
    services.warning_acknowledge(actor=personas["hr"], warning=warning, note="已进行绩效面谈")
    with pytest.raises(Conflict):
        services.warning_acknowledge(actor=personas["hr"], warning=warning, note="again")


def test_hr_is_mailed_once_about_a_warning(fresh_quarter, personas, mailoutbox):
    personas["hr"].email = "hr@example.com"
    personas["hr"].save()
    review = scored(personas, actual="40", director=2, hr=2)
    warning = VerbalWarning.objects.get(review=review)
    assert services.warning_notify(warning_id=warning.pk)
    assert not services.warning_notify(warning_id=warning.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["hr@example.com"]


def test_the_warning_mail_goes_only_to_those_the_policy_shows_warnings(
    fresh_quarter, personas, mailoutbox, monkeypatch
):
    """The mail follows the one policy of what each person sees (selectors.visibility)."""
    personas["hr"].email = "hr@example.com"
    personas["hr"].save()
    hidden = visibility.PARTS[visibility.Audience.HR] - {visibility.Part.WARNING}
    monkeypatch.setitem(visibility.PARTS, visibility.Audience.HR, hidden)
    review = scored(personas, actual="40", director=2, hr=2)
    warning = VerbalWarning.objects.get(review=review)

    assert services.warning_notify(warning_id=warning.pk)
    assert mailoutbox == []
