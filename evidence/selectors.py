"""Reading evidence files: an owner's files, and one file as a viewer may see it.

Who sees a file is who sees its owner: the employee their own review's; HR all; the head of the
review's department theirs; the marketing director all but the files of a self-assessment
still in draft. Each a fixed number of queries.
"""

from __future__ import annotations

from evidence.models import EvidenceFile, Purpose
from hrperf.lib.roles import Roles
from reviews.models import Review


def evidence_of(*, review: Review | int, purpose: str, ref: int) -> list[EvidenceFile]:
    """The files of one owner, oldest first (one query)."""
    review_id = review if isinstance(review, int) else review.pk
    return list(
        EvidenceFile.objects.filter(review_id=review_id, purpose=purpose, ref=ref).select_related(
            "uploaded_by"
        )
    )


def _self_assessment_is_draft(ref: int) -> bool:
    from selfassessments.models import SelfAssessment

    return not SelfAssessment.objects.filter(pk=ref, state=SelfAssessment.State.SUBMITTED).exists()


def sees_owner(*, viewer_roles: Roles, review: Review, purpose: str, ref: int) -> bool:
    """Whether the viewer sees the owner `ref` of `purpose` on `review`, and so its files."""
    if viewer_roles.is_hr:
        return True
    employee = viewer_roles.employee
    if employee is not None and review.employee_id == employee.pk:
        return True
    if viewer_roles.headed_department_id == review.department_id:
        return True
    if viewer_roles.is_director:
        return purpose != Purpose.SELF_ASSESSMENT or not _self_assessment_is_draft(ref)
    return False


def evidence_get(*, viewer_roles: Roles, evidence_id: int) -> EvidenceFile | None:
    """The file, if the viewer sees its owner; None otherwise (at most three queries)."""
    evidence = (
        EvidenceFile.objects.select_related("review").filter(pk=evidence_id).first()
        if 0 < evidence_id < 2**63
        else None
    )
    if evidence is None:
        return None
    seen = sees_owner(
        viewer_roles=viewer_roles,
        review=evidence.review,
        purpose=evidence.purpose,
        ref=evidence.ref,
    )
    return evidence if seen else None
