"""Writing a self-assessment: saving the draft, submitting it, attaching and removing its
evidence. Only the employee whose review it is, only while it may change
(`selectors.closed_reason`: not submitted, the quarter open, the review not yet submitted by HR,
the deadline not passed); a refusal names the rule and saves nothing.

Submitting writes the employee's ratings to the review as the assessor "self"
(`reviews.services.review_self_rate`: the revision rises, what the review lacks is
recomputed) with a `self_assessed` event, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.selectors import deadlines_of
from departments.models import Competency
from evidence import services as evidence_services
from evidence.models import EvidenceFile, Purpose
from hrperf.lib.errors import Conflict, ErrorList, NotAllowed
from hrperf.lib.roles import Roles
from reviews import workflow
from reviews.models import Review
from reviews.services import require_open, review_self_rate
from selfassessments import events
from selfassessments.models import COMMENT_MAX, SUMMARY_MAX, LineSummary, SelfAssessment, SelfRating
from selfassessments.selectors import closed_reason

RATINGS = frozenset({"1", "2", "3", "4", "5"})
NOT_YOURS = _("Only the employee whose review it is may write its self-assessment.")


def _lock(*, roles: Roles, review: Review, now: datetime | None = None) -> tuple[Review, Any]:
    """The review locked for the change and its self-assessment (None: not started), once the
    actor and the state allow a change; NotAllowed or Conflict naming the rule otherwise."""
    workflow.require(workflow.Action.SELF_ASSESS, roles)
    if roles.employee is None or review.employee_id != roles.employee.pk:
        raise NotAllowed(NOT_YOURS)
    locked = Review.objects.select_for_update().select_related("cycle").get(pk=review.pk)
    require_open(locked.cycle_id, workflow.Action.SELF_ASSESS)
    self_assessment = SelfAssessment.objects.filter(review=locked).first()
    due = deadlines_of(locked.cycle_id).self_assessment_due
    closed = closed_reason(review=locked, self_assessment=self_assessment, due=due, now=now)
    if closed is not None:
        raise Conflict(closed.message, code=closed.code)
    return locked, self_assessment


def self_assessment_save(
    *,
    user: Any,
    roles: Roles,
    review: Review,
    summary: str | None = None,
    line_summaries: Mapping[int, str] | None = None,
    ratings: Mapping[str, Any] | None = None,
    comments: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> SelfAssessment:
    """Save the draft: the overall summary, summaries by KPI line id, ratings by competency
    code (1–5; None or "" clears one) and their comments. Only what is given changes."""
    with transaction.atomic():
        locked, self_assessment = _lock(roles=roles, review=review, now=now)
        line_ids = set(locked.kpi_lines.values_list("pk", flat=True))
        competencies = {c.code: c for c in Competency.objects.all()}
        errors = ErrorList()
        lines = _line_summaries(line_summaries or {}, line_ids, errors)
        values, notes = _ratings(ratings or {}, comments or {}, competencies, errors)
        if summary is not None and len(summary) > SUMMARY_MAX:
            errors.add("summary", _too_long(SUMMARY_MAX), "too_long")
        errors.raise_if_any()
        if self_assessment is None:
            self_assessment = SelfAssessment.objects.create(review=locked)
        if summary is not None:
            self_assessment.summary = summary
        self_assessment.save()
        for line_id, text in lines.items():
            LineSummary.objects.update_or_create(
                self_assessment=self_assessment, line_id=line_id, defaults={"summary": text}
            )
        for code, value in values.items():
            competency = competencies[code]
            if value is None:
                SelfRating.objects.filter(
                    self_assessment=self_assessment, competency=competency
                ).delete()
                continue
            SelfRating.objects.update_or_create(
                self_assessment=self_assessment,
                competency=competency,
                defaults={"value": value, "comment": notes.get(code, "")},
            )
    return self_assessment


def _too_long(most: int) -> str:
    return str(_("At most %(max)s characters.") % {"max": most})


def _line_summaries(
    given: Mapping[int, str], line_ids: set[int], errors: ErrorList
) -> dict[int, str]:
    lines: dict[int, str] = {}
    for raw_id, text in given.items():
        try:
            line_id = int(raw_id)
        except (TypeError, ValueError):
            line_id = -1
        if line_id not in line_ids:
            errors.add(f"lines.{raw_id}", _("No such KPI line on this review."), "unknown_line")
        elif len(text) > SUMMARY_MAX:
            errors.add(f"lines.{raw_id}", _too_long(SUMMARY_MAX), "too_long")
        else:
            lines[line_id] = text
    return lines


def _ratings(
    ratings: Mapping[str, Any],
    comments: Mapping[str, str],
    competencies: Mapping[str, Competency],
    errors: ErrorList,
) -> tuple[dict[str, int | None], dict[str, str]]:
    values: dict[str, int | None] = {}
    for code, raw in ratings.items():
        place = f"ratings.{code}"
        text = "" if raw is None else str(raw).strip()
        if code not in competencies:
            errors.add(place, _("Unknown competency."), "unknown_competency")
        elif text == "":
            values[code] = None
        elif text not in RATINGS or isinstance(raw, bool):
            errors.add(place, _("A rating is a whole number from 1 to 5."), "rating_range")
        else:
            values[code] = int(text)
    for code, comment in comments.items():
        if code not in competencies:
            errors.add(f"comments.{code}", _("Unknown competency."), "unknown_competency")
        elif len(comment) > COMMENT_MAX:
            errors.add(f"comments.{code}", _too_long(COMMENT_MAX), "too_long")
        elif comment.strip() and values.get(code) is None and code in ratings:
            errors.add(
                f"ratings.{code}",
                _("Give a rating to keep this comment."),
                "comment_without_rating",
            )
    return values, {code: comment.strip() for code, comment in comments.items()}


def self_assessment_submit(
    *, user: Any, roles: Roles, review: Review, now: datetime | None = None
) -> SelfAssessment:
    """Submit the draft: it needs an overall summary and a rating of every competency. The
    ratings go to the review as the assessor "self", with a `self_assessed` event."""
    with transaction.atomic():
        locked, self_assessment = _lock(roles=roles, review=review, now=now)
        competencies = list(Competency.objects.order_by("order"))
        rated = (
            {r.competency_id: r for r in self_assessment.self_ratings.all()}
            if self_assessment is not None
            else {}
        )
        errors = ErrorList()
        if self_assessment is None or not self_assessment.summary.strip():
            errors.add(
                "summary", _("Write an overall summary before you submit."), "summary_required"
            )
        for competency in competencies:
            if competency.pk not in rated:
                errors.add(
                    f"ratings.{competency.code}",
                    _("Rate yourself on this competency before you submit."),
                    "rating_required",
                )
        errors.raise_if_any()
        assert self_assessment is not None
        moment = now or timezone.now()
        updated = SelfAssessment.objects.filter(
            pk=self_assessment.pk, state=SelfAssessment.State.DRAFT
        ).update(state=SelfAssessment.State.SUBMITTED, submitted_at=moment, submitted_by=user)
        if updated != 1:
            raise Conflict(
                _("This self-assessment was submitted; it can no longer change."),
                code="already_submitted",
            )
        by_code = {c.pk: c.code for c in competencies}
        review_self_rate(
            actor=user,
            review=locked,
            ratings={by_code[pk]: rating.value for pk, rating in rated.items()},
            comments={by_code[pk]: rating.comment for pk, rating in rated.items()},
            extra=[
                events.self_assessed(
                    cycle_id=locked.cycle_id,
                    review_id=locked.pk,
                    actor=user,
                    self_assessment_id=self_assessment.pk,
                )
            ],
        )
    self_assessment.refresh_from_db()
    return self_assessment


def self_assessment_attach(
    *, user: Any, roles: Roles, review: Review, upload: Any, now: datetime | None = None
) -> EvidenceFile:
    """Attach an evidence file to the draft (started if it was not)."""
    with transaction.atomic():
        locked, self_assessment = _lock(roles=roles, review=review, now=now)
        if self_assessment is None:
            self_assessment = SelfAssessment.objects.create(review=locked)
        return evidence_services.evidence_attach(
            user=user,
            roles=roles,
            review=locked,
            purpose=Purpose.SELF_ASSESSMENT,
            ref=self_assessment.pk,
            upload=upload,
        )


def self_assessment_detach(
    *, user: Any, roles: Roles, review: Review, evidence_id: int, now: datetime | None = None
) -> None:
    """Remove an evidence file of the draft (only the one who uploaded it)."""
    with transaction.atomic():
        _locked, self_assessment = _lock(roles=roles, review=review, now=now)
        evidence = (
            EvidenceFile.objects.filter(
                pk=evidence_id,
                review=review,
                purpose=Purpose.SELF_ASSESSMENT,
                ref=self_assessment.pk,
            ).first()
            if self_assessment is not None and 0 < evidence_id < 2**63
            else None
        )
        if evidence is None:
            raise Conflict(
                _("No such evidence file on this self-assessment."), code="evidence_not_found"
            )
        evidence_services.evidence_remove(user=user, evidence=evidence, editable=True)
