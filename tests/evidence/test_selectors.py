"""Who sees an evidence file (evidence/selectors.py): who sees its owner."""

from __future__ import annotations

import pytest

from evidence.models import Purpose
from evidence.selectors import evidence_get, evidence_of
from evidence.services import evidence_attach
from hrperf.lib.roles import roles_of
from selfassessments.models import SelfAssessment
from tests.helpers.evidence import pdf_bytes, upload

SEES = {
    "hr": True,
    "director": True,  # the self-assessment is submitted below
    "head": True,  # head of SALES, the employee's department
    "employee": True,
    "other_employee": False,
    "outsider": False,
}


def _file(personas, review, purpose, ref):
    user = personas["employee"]
    return evidence_attach(
        user=user,
        roles=roles_of(user),
        review=review,
        purpose=purpose,
        ref=ref,
        upload=upload("a.pdf", pdf_bytes()),
    )


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_a_submitted_self_assessments_file_is_seen_by_who_sees_it(
    personas, self_quarter, who, sees
) -> None:
    review = self_quarter.reviews["employee"]
    own = SelfAssessment.objects.create(review=review, state=SelfAssessment.State.SUBMITTED)
    evidence = _file(personas, review, Purpose.SELF_ASSESSMENT, own.pk)
    found = evidence_get(viewer_roles=roles_of(personas[who]), evidence_id=evidence.pk)
    assert (found == evidence) is sees


@pytest.mark.parametrize(("who", "sees"), {**SEES, "director": False}.items())
def test_the_director_does_not_see_a_drafts_file(personas, self_quarter, who, sees) -> None:
    review = self_quarter.reviews["employee"]
    own = SelfAssessment.objects.create(review=review)
    evidence = _file(personas, review, Purpose.SELF_ASSESSMENT, own.pk)
    found = evidence_get(viewer_roles=roles_of(personas[who]), evidence_id=evidence.pk)
    assert (found == evidence) is sees


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_an_appeals_file_is_seen_by_who_sees_the_appeal(personas, self_quarter, who, sees):
    review = self_quarter.reviews["employee"]
    evidence = _file(personas, review, Purpose.APPEAL, 42)
    found = evidence_get(viewer_roles=roles_of(personas[who]), evidence_id=evidence.pk)
    assert (found == evidence) is sees


def test_a_file_that_does_not_exist_is_none(personas, self_quarter) -> None:
    roles = roles_of(personas["hr"])
    assert evidence_get(viewer_roles=roles, evidence_id=999999) is None
    assert evidence_get(viewer_roles=roles, evidence_id=2**70) is None


def test_an_owners_files_in_one_query(personas, self_quarter, django_assert_num_queries) -> None:
    review = self_quarter.reviews["employee"]
    first = _file(personas, review, Purpose.APPEAL, 1)
    second = _file(personas, review, Purpose.APPEAL, 1)
    other = _file(personas, review, Purpose.APPEAL, 2)
    with django_assert_num_queries(1):
        assert evidence_of(review=review, purpose=Purpose.APPEAL, ref=1) == [first, second]
    with django_assert_num_queries(1):
        assert evidence_of(review=review, purpose=Purpose.APPEAL, ref=2) == [other]
