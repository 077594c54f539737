"""Saving, submitting and attaching to a self-assessment (selfassessments/services.py): only the
employee, only while it may change; a refusal names the rule and saves nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from departments.models import Competency
from evidence.models import EvidenceFile
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from hrperf.lib.roles import roles_of
from reviews import services as review_services
from reviews.models import AssessorRole, AuditEvent, CompetencyRating, Review, ReviewCycle
from selfassessments import services
from selfassessments.models import LineSummary, SelfAssessment, SelfRating
from tests.helpers.evidence import exe_bytes, pdf_bytes, upload

SHANGHAI = ZoneInfo("Asia/Shanghai")


def save(personas, review, who="employee", **values):
    user = personas[who]
    return services.self_assessment_save(user=user, roles=roles_of(user), review=review, **values)


def submit(personas, review, who="employee", **extra):
    user = personas[who]
    return services.self_assessment_submit(user=user, roles=roles_of(user), review=review, **extra)


def all_ratings() -> dict[str, int]:
    return dict.fromkeys(Competency.objects.values_list("code", flat=True), 4)


def complete(personas, review):
    line = review.kpi_lines.first()
    return save(
        personas,
        review,
        summary="本季度完成了销售计划。",
        line_summaries={line.pk: "完成率 95%"},
        ratings=all_ratings(),
        comments={next(iter(all_ratings())): "持续学习"},
    )


def test_the_employee_saves_a_draft(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    own = complete(personas, review)
    assert own.state == SelfAssessment.State.DRAFT
    assert own.summary == "本季度完成了销售计划。"
    assert LineSummary.objects.get(self_assessment=own).summary == "完成率 95%"
    assert SelfRating.objects.filter(self_assessment=own).count() == 4
    # A draft writes nothing to the review.
    assert not CompetencyRating.objects.filter(review=review).exists()
    assert Review.objects.get(pk=review.pk).revision == review.revision


def test_a_rating_saved_empty_is_cleared(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    own = complete(personas, review)
    code = next(iter(all_ratings()))
    save(personas, review, ratings={code: ""})
    assert SelfRating.objects.filter(self_assessment=own).count() == 3


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"ratings": {"culture": 6}}, "ratings.culture"),
        ({"ratings": {"culture": "4.5"}}, "ratings.culture"),
        ({"ratings": {"no_such": 3}}, "ratings.no_such"),
        ({"line_summaries": {999999: "x"}}, "lines.999999"),
        ({"summary": "x" * 5000}, "summary"),
        (
            {"ratings": {"culture": ""}, "comments": {"culture": "why"}},
            "ratings.culture",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    personas, self_quarter, values, field
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        save(personas, self_quarter.reviews["employee"], **{"summary": "kept?", **values})
    assert field in [error.field for error in refused.value.errors]
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize("who", ["hr", "director", "head", "other_employee", "outsider"])
def test_only_the_employee_writes_it(personas, self_quarter, who) -> None:
    with pytest.raises(NotAllowed):
        save(personas, self_quarter.reviews["employee"], who=who, summary="x")
    assert not SelfAssessment.objects.exists()


def test_submitting_writes_the_self_ratings_to_the_review(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    complete(personas, review)
    own = submit(personas, review)
    assert own.state == SelfAssessment.State.SUBMITTED
    assert own.submitted_by == personas["employee"]
    assert own.submitted_at is not None
    ratings = CompetencyRating.objects.filter(review=review, assessor_role=AssessorRole.SELF)
    assert sorted(r.value for r in ratings) == [4, 4, 4, 4]
    assert {r.rated_by_id for r in ratings} == {personas["employee"].pk}
    after = Review.objects.get(pk=review.pk)
    assert after.revision == review.revision + 1
    assert after.state == Review.State.DRAFT
    events = AuditEvent.objects.filter(review=review, action=AuditEvent.Action.SELF_ASSESSED)
    assert [(e.actor_id, e.params) for e in events] == [
        (personas["employee"].pk, {"self_assessment": own.pk})
    ]
    assert (
        AuditEvent.objects.filter(
            review=review, action=AuditEvent.Action.RATING, params__assessor="self"
        ).count()
        == 4
    )


def test_submitting_needs_a_summary_and_every_rating(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    save(personas, review, ratings={next(iter(all_ratings())): 3})
    with pytest.raises(ValidationFailed) as refused:
        submit(personas, review)
    fields = {error.field for error in refused.value.errors}
    assert "summary" in fields
    assert len([f for f in fields if f.startswith("ratings.")]) == 3
    assert SelfAssessment.objects.get().state == SelfAssessment.State.DRAFT
    assert not CompetencyRating.objects.filter(review=review).exists()


def test_nothing_changes_after_submitting(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    complete(personas, review)
    submit(personas, review)
    for act in (
        lambda: save(personas, review, summary="changed"),
        lambda: submit(personas, review),
        lambda: services.self_assessment_attach(
            user=personas["employee"],
            roles=roles_of(personas["employee"]),
            review=review,
            upload=upload("a.pdf", pdf_bytes()),
        ),
    ):
        with pytest.raises(Conflict) as refused:
            act()
        assert refused.value.code == "already_submitted"
    assert SelfAssessment.objects.get().summary == "本季度完成了销售计划。"
    assert not EvidenceFile.objects.exists()


def test_nothing_changes_after_the_deadline(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    self_quarter.deadlines.self_assessment_due = date(2026, 10, 10)
    self_quarter.deadlines.save()
    before = datetime(2026, 10, 10, 23, 59, tzinfo=SHANGHAI)
    after = datetime(2026, 10, 11, 0, 0, tzinfo=SHANGHAI)
    save(personas, review, summary="on time", now=before)
    with pytest.raises(Conflict) as refused:
        save(personas, review, summary="too late", now=after)
    assert refused.value.code == "deadline_passed"
    assert "2026-10-10" in str(refused.value.message)
    assert SelfAssessment.objects.get().summary == "on time"


def test_nothing_changes_once_hr_submitted_the_review(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    Review.objects.filter(pk=review.pk).update(state=Review.State.SUBMITTED)
    with pytest.raises(Conflict) as refused:
        save(personas, review, summary="x")
    assert refused.value.code == "review_submitted"
    assert not SelfAssessment.objects.exists()


def test_a_returned_review_may_be_self_assessed(personas, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    Review.objects.filter(pk=review.pk).update(state=Review.State.RETURNED)
    assert save(personas, review, summary="x").summary == "x"


def test_nothing_changes_in_a_closed_quarter(personas, self_quarter) -> None:
    ReviewCycle.objects.filter(pk=self_quarter.cycle.pk).update(status=ReviewCycle.Status.CLOSED)
    with pytest.raises(Conflict) as refused:
        save(personas, self_quarter.reviews["employee"], summary="x")
    assert refused.value.code == "quarter_closed"


def test_hr_cannot_rate_as_self(personas, self_quarter) -> None:
    with pytest.raises(NotAllowed):
        review_services.review_rate(
            actor=personas["hr"],
            review=self_quarter.reviews["employee"],
            assessor_role=AssessorRole.SELF,
            ratings=all_ratings(),
        )


def test_the_employee_attaches_and_removes_evidence(
    personas, self_quarter, stored_files, django_capture_on_commit_callbacks
) -> None:
    review = self_quarter.reviews["employee"]
    user = personas["employee"]
    evidence = services.self_assessment_attach(
        user=user, roles=roles_of(user), review=review, upload=upload("a.pdf", pdf_bytes())
    )
    own = SelfAssessment.objects.get(review=review)
    assert (evidence.purpose, evidence.ref) == ("self_assessment", own.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.self_assessment_detach(
            user=user, roles=roles_of(user), review=review, evidence_id=evidence.pk
        )
    assert not EvidenceFile.objects.exists()
    assert stored_files() == []


def test_a_refused_file_leaves_no_self_assessment_behind(
    personas, self_quarter, stored_files
) -> None:
    user = personas["employee"]
    with pytest.raises(ValidationFailed):
        services.self_assessment_attach(
            user=user,
            roles=roles_of(user),
            review=self_quarter.reviews["employee"],
            upload=upload("a.pdf", exe_bytes()),
        )
    assert not SelfAssessment.objects.exists()
    assert stored_files() == []
