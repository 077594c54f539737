"""The employee confirms an approved result or appeals it, within the appeal window; HR answers
the appeal: rejected with a reason (the result stands), or accepted (the review reopens, with
the appeal as its cause, to be corrected, rescored and approved again as version + 1). An
approved version left without a confirmation or an open appeal past its window is confirmed
by the deadline (`results_confirm_by_deadline`, run by the beat).

Every refusal names its rule and saves nothing; each mark is a unique row per (review,
version), written once whatever the races or repeats.

After a rejection the result stands as approved and the appeal is closed: the employee may
still confirm it within the window, or silence confirms it by the deadline. A rejection is not
recorded as the employee's confirmation: they disputed the result, and the record says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import events, selectors
from appeals.inputs import LINE, RATING, WHOLE, Disputed
from appeals.models import (
    GROUNDS_MAX,
    REASON_MAX,
    Appeal,
    AppealItem,
    AppealStep,
    Confirmation,
)
from calendars.selectors import (
    appeal_window_ends,
    deadlines_of,
    is_past,
    local_date,
    working_days_after,
)
from evidence.models import EvidenceFile, Purpose
from evidence.services import evidence_attach
from hrperf.lib.errors import Conflict, ErrorList, FieldError, NotAllowed
from hrperf.lib.roles import HR, Roles
from hrperf.lib.tasks import publish_on_commit
from notifications.selectors import group_members
from notifications.services.notify import Event, notify
from reviews import services as review_services
from reviews import workflow
from reviews.models import AssessorRole, CompetencyRating, Review, ReviewKpiLine
from reviews.workflow import Action

ITEMS_MAX = 50
MAIL_TASK = "appeals.mail_answer"


def _own(roles: Roles, review: Review) -> None:
    if roles.employee is None or review.employee_id != roles.employee.pk:
        raise NotAllowed(_("Only the employee whose review it is may do this."))


def _locked_approved(review: Review, action: Action) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not workflow.allows(action, review.state):
        raise Conflict(
            _("Only an approved result can be confirmed or appealed; this review is %(state)s.")
            % {"state": review.get_state_display()},
            code="not_approved",
        )
    return review


def _window_open(review: Review, now: dt.datetime, *, confirming: bool) -> None:
    ends = appeal_window_ends(review)
    if ends is not None and is_past(ends, now=now):
        message = (
            _("The window to confirm this result closed on %(date)s.")
            if confirming
            else _("The appeal window closed on %(date)s.")
        )
        raise Conflict(message % {"date": ends.isoformat()}, code="window_closed")


def _confirmed_already(review: Review) -> Conflict | None:
    done = Confirmation.objects.filter(review=review, version=review.version).first()
    if done is None:
        return None
    return Conflict(
        _("This result was already confirmed on %(date)s; a result is confirmed once.")
        % {"date": local_date(done.confirmed_at).isoformat()},
        code="already_confirmed",
    )


def result_confirm(
    *, user: Any, roles: Roles, review: Review, now: dt.datetime | None = None
) -> Confirmation:
    """The employee confirms their approved result: once per approved version, within the
    appeal window, and not while an appeal on it is open."""
    workflow.require(Action.CONFIRM_RESULT, roles)
    _own(roles, review)
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked_approved(review, Action.CONFIRM_RESULT)
        refusal = _confirmed_already(review)
        if refusal is not None:
            raise refusal
        if Appeal.objects.filter(
            review=review, version=review.version, status=Appeal.Status.FILED
        ).exists():
            raise Conflict(
                _("Your appeal on this result is open; HR answers it first."), code="appeal_open"
            )
        _window_open(review, now, confirming=True)
        confirmation = _confirmation(review, Confirmation.How.EMPLOYEE, user, now)
        if confirmation is None:
            raise _confirmed_already(review) or Conflict(_("Already confirmed."))
    return confirmation


def _confirmation(review: Review, how: str, user: Any, now: dt.datetime) -> Confirmation | None:
    """Insert the version's confirmation and its event; None when one exists (the unique row
    decides between racing writers)."""
    try:
        with transaction.atomic():
            confirmation = Confirmation.objects.create(
                review=review,
                version=review.version,
                how=how,
                confirmed_by=user if how == Confirmation.How.EMPLOYEE else None,
                confirmed_at=now,
            )
    except IntegrityError:
        return None
    events.result_confirmed(
        cycle_id=review.cycle_id,
        review_id=review.pk,
        actor=user if how == Confirmation.How.EMPLOYEE else None,
        version=review.version,
        how=how,
    ).save()
    return confirmation


# -- filing an appeal --------------------------------------------------------------------------


def _text(errors: ErrorList, name: str, value: str, limit: int, required: Any) -> str:
    text = (value or "").strip()
    if not text:
        errors.add(name, required, "required")
    elif len(text) > limit:
        errors.add(
            name,
            _("Write at most %(limit)d characters (this has %(length)d).")
            % {"limit": limit, "length": len(text)},
            "too_long",
        )
    return text


def _items(review: Review, items: Sequence[Disputed], errors: list[FieldError]) -> list[AppealItem]:
    """The appeal's items, each checked to belong to this review (two queries)."""
    if not items:
        errors.append(
            FieldError(
                "items",
                _("Choose what you dispute: a KPI line, a rating or the whole result."),
                "required",
            )
        )
        return []
    if len(items) > ITEMS_MAX:
        errors.append(FieldError("items", _("Too many items."), "too_many"))
        return []
    lines = dict(ReviewKpiLine.objects.filter(review=review).values_list("pk", "code"))
    ratings = {
        (assessor, code): competency_id
        for assessor, code, competency_id in CompetencyRating.objects.filter(review=review)
        .exclude(assessor_role=AssessorRole.SELF)
        .values_list("assessor_role", "competency__code", "competency_id")
    }
    rows: list[AppealItem] = []
    seen: set[str] = set()
    for row, item in enumerate(items):
        if item.token in seen:
            continue
        seen.add(item.token)
        if item.kind == LINE and item.line_id in lines:
            rows.append(AppealItem(kind=LINE, line_id=item.line_id))
        elif item.kind == RATING and (item.assessor, item.competency) in ratings:
            competency_id = ratings[(item.assessor, item.competency)]
            rows.append(
                AppealItem(kind=RATING, competency_id=competency_id, assessor_role=item.assessor)
            )
        elif item.kind == WHOLE:
            rows.append(AppealItem(kind=WHOLE))
        else:
            errors.append(
                FieldError(
                    "items",
                    _("This is not a KPI line or a rating of this review."),
                    "not_on_review",
                    row,
                )
            )
    return rows


def appeal_file(
    *,
    user: Any,
    roles: Roles,
    review: Review,
    items: Sequence[Disputed],
    grounds: str,
    files: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> Appeal:
    """The employee appeals their approved result: within the window, before confirming it,
    once per approved version, with evidence `files` (uploads, checked as `evidence` checks
    them: a refused file refuses the appeal, and nothing is kept). The review stays approved
    (and in the payroll feed) while HR decides."""
    workflow.require(Action.APPEAL, roles)
    _own(roles, review)
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked_approved(review, Action.APPEAL)
        review_services.require_open(review.cycle_id, Action.APPEAL)
        earlier = Appeal.objects.filter(review=review, version=review.version).first()
        if earlier is not None:
            raise Conflict(
                _("One appeal per approved version: version %(version)d was appealed on %(date)s.")
                % {"version": review.version, "date": local_date(earlier.filed_at).isoformat()},
                code="already_appealed",
            )
        refusal = _confirmed_already(review)
        if refusal is not None:
            raise Conflict(
                _("You confirmed this result; a confirmed result cannot be appealed."),
                code="confirmed",
            )
        _window_open(review, now, confirming=False)
        errors = ErrorList()
        text = _text(errors, "grounds", grounds, GROUNDS_MAX, _("Say why you dispute it."))
        rows = _items(review, items, errors.errors)
        errors.raise_if_any()
        days = deadlines_of(review.cycle_id).answer_working_days
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    review=review,
                    version=review.version,
                    grounds=text,
                    filed_by=user,
                    filed_at=now,
                    answer_due=working_days_after(local_date(now), days),
                )
        except IntegrityError:
            raise Conflict(
                _("One appeal per approved version: this version was appealed already."),
                code="already_appealed",
            ) from None
        for row in rows:
            row.appeal = appeal
        AppealItem.objects.bulk_create(rows)
        AppealStep.objects.create(appeal=appeal, kind=AppealStep.Kind.FILED, actor=user, at=now)
        events.appeal_filed(
            cycle_id=review.cycle_id,
            review_id=review.pk,
            actor=user,
            appeal_id=appeal.pk,
            version=review.version,
            items=selectors.item_codes(appeal),
        ).save()
        _attach_all(user=user, roles=roles, appeal=appeal, files=files)
        _tell_hr(appeal, review)
    return appeal


def _tell_hr(appeal: Appeal, review: Review) -> None:
    notify(
        [
            Event(
                kind="appeal_filed",
                key=f"appeal_filed:{appeal.pk}",
                context={
                    "appeal_id": appeal.pk,
                    "review_id": review.pk,
                    "employee": review.employee.name,
                    "period": review.cycle.period,
                    "due": appeal.answer_due.isoformat(),
                },
                users=group_members(HR),
                group="hr",
            )
        ]
    )


def _attach_all(*, user: Any, roles: Roles, appeal: Appeal, files: Sequence[Any]) -> None:
    """Keep each file as the appeal's evidence; on a refusal, remove the files already stored
    (the transaction takes back their rows) and raise it."""
    attached: list[EvidenceFile] = []
    try:
        for upload in files:
            attached.append(
                evidence_attach(
                    user=user,
                    roles=roles,
                    review=appeal.review,
                    purpose=Purpose.APPEAL,
                    ref=appeal.pk,
                    upload=upload,
                )
            )
    except BaseException:
        for evidence in attached:
            evidence.file.delete(save=False)
        raise


def appeal_evidence_add(*, user: Any, roles: Roles, appeal: Appeal, upload: Any) -> EvidenceFile:
    """The employee adds a file to their appeal while HR has not answered it."""
    workflow.require(Action.APPEAL, roles)
    _own(roles, appeal.review)
    with transaction.atomic():
        review_services.require_open(appeal.review.cycle_id, Action.APPEAL)
        if (
            not Appeal.objects.select_for_update()
            .filter(pk=appeal.pk, status=Appeal.Status.FILED)
            .exists()
        ):
            raise Conflict(
                _("HR has answered this appeal: no more evidence can be added to it."),
                code="already_answered",
            )
        return evidence_attach(
            user=user,
            roles=roles,
            review=appeal.review,
            purpose=Purpose.APPEAL,
            ref=appeal.pk,
            upload=upload,
        )


# -- HR's answer -------------------------------------------------------------------------------


def _answer(
    *, user: Any, roles: Roles, appeal: Appeal, reason: str, status: str, now: dt.datetime
) -> tuple[Appeal, str]:
    workflow.require(Action.ANSWER_APPEAL, roles)
    errors = ErrorList()
    text = _text(errors, "reason", reason, REASON_MAX, _("Give the reason for your answer."))
    errors.raise_if_any()
    review = Review.objects.select_for_update().get(pk=appeal.review_id)
    review_services.require_open(review.cycle_id, Action.ANSWER_APPEAL)
    updated = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.FILED).update(
        status=status,
        reason=text,
        answered_by=user,
        answered_at=now,
        reopened_version=appeal.version + 1 if status == Appeal.Status.ACCEPTED else None,
    )
    if updated != 1:
        raise Conflict(
            _("This appeal was already answered; an appeal is answered once."),
            code="already_answered",
        )
    if review.version != appeal.version or not workflow.allows(Action.ANSWER_APPEAL, review.state):
        raise Conflict(
            _(
                "The appealed version %(version)d is no longer the approved result (the review "
                "is %(state)s at version %(current)d)."
            )
            % {
                "version": appeal.version,
                "state": review.get_state_display(),
                "current": review.version,
            },
            code="bad_transition",
        )
    appeal.refresh_from_db()
    return appeal, text


def _answered(appeal: Appeal, user: Any, text: str, now: dt.datetime) -> None:
    """The answer's step, the employee told on their pages, its event, and the mail queued."""
    kind = (
        AppealStep.Kind.ACCEPTED
        if appeal.status == Appeal.Status.ACCEPTED
        else (AppealStep.Kind.REJECTED)
    )
    steps = [AppealStep(appeal=appeal, kind=kind, actor=user, at=now, text=text)]
    if appeal.reopened_version is not None:
        steps.append(
            AppealStep(
                appeal=appeal,
                kind=AppealStep.Kind.REOPENED,
                actor=user,
                at=now,
                version=appeal.reopened_version,
            )
        )
    steps.append(AppealStep(appeal=appeal, kind=AppealStep.Kind.TOLD, at=now, channel="page"))
    AppealStep.objects.bulk_create(steps)
    events.appeal_answered(
        cycle_id=appeal.review.cycle_id,
        review_id=appeal.review_id,
        actor=user,
        appeal_id=appeal.pk,
        version=appeal.version,
        status=appeal.status,
        reason=text,
    ).save()
    publish_on_commit(MAIL_TASK, appeal.pk)


def appeal_accept(
    *, user: Any, roles: Roles, appeal: Appeal, reason: str, now: dt.datetime | None = None
) -> Appeal:
    """HR accepts the appeal: in the same transaction the review reopens as version + 1 with
    the appeal as its cause, for HR to correct, submit and the director to approve again."""
    now = now or timezone.now()
    with transaction.atomic():
        appeal, text = _answer(
            user=user,
            roles=roles,
            appeal=appeal,
            reason=reason,
            status=Appeal.Status.ACCEPTED,
            now=now,
        )
        review_services.review_reopen_for_appeal(
            actor=user, review=appeal.review, appeal_id=appeal.pk, reason=text
        )
        _answered(appeal, user, text, now)
    return appeal


def appeal_reject(
    *, user: Any, roles: Roles, appeal: Appeal, reason: str, now: dt.datetime | None = None
) -> Appeal:
    """HR rejects the appeal with a reason: the result stands as approved."""
    now = now or timezone.now()
    with transaction.atomic():
        appeal, text = _answer(
            user=user,
            roles=roles,
            appeal=appeal,
            reason=reason,
            status=Appeal.Status.REJECTED,
            now=now,
        )
        _answered(appeal, user, text, now)
    return appeal


# -- in the background -------------------------------------------------------------------------


def appeal_mail_answer(*, appeal_id: int) -> bool:
    """Tell the employee HR's answer, once (claimed before the notification is recorded), by
    the channels they chose; an employee without a login is told on their pages only."""
    with transaction.atomic():
        claimed = (
            Appeal.objects.filter(pk=appeal_id, mailed_at__isnull=True)
            .exclude(status=Appeal.Status.FILED)
            .update(mailed_at=timezone.now())
        )
        if claimed != 1:
            return False
        appeal = Appeal.objects.select_related("review__employee__user", "review__cycle").get(
            pk=appeal_id
        )
        login = appeal.review.employee.user
        if login is None or not login.is_active:
            return False
        AppealStep.objects.create(
            appeal=appeal, kind=AppealStep.Kind.TOLD, at=timezone.now(), channel="notice"
        )
        notify(
            [
                Event(
                    kind="appeal_answered",
                    key=f"appeal_answered:{appeal.pk}",
                    context={
                        "appeal_id": appeal.pk,
                        "review_id": appeal.review_id,
                        "period": appeal.review.cycle.period,
                        "accepted": appeal.status == Appeal.Status.ACCEPTED,
                        "reason": appeal.reason,
                    },
                    users=[login.pk],
                )
            ]
        )
    return True


def results_confirm_by_deadline(*, now: dt.datetime | None = None) -> int:
    """Confirm, by the deadline, every approved version whose window has passed with neither a
    confirmation nor an open appeal; how many it confirmed. Safe to run again and in parallel:
    a version already confirmed is skipped by its unique row."""
    now = now or timezone.now()
    confirmed = 0
    for review in selectors.due_for_deadline_confirmation(now=now):
        with transaction.atomic():
            if _confirmation(review, Confirmation.How.DEADLINE, None, now) is not None:
                confirmed += 1
    return confirmed


def answers_mail_due(*, now: dt.datetime | None = None) -> int:
    """Mail the answers whose mail was never sent (its task was lost); how many were mailed."""
    due = selectors.answers_not_mailed(before=(now or timezone.now()) - dt.timedelta(minutes=5))
    return sum(appeal_mail_answer(appeal_id=appeal_id) for appeal_id in due)
