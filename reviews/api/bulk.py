"""A quarter's reviews acted on in bulk: HR submits every complete review matching a filter,
the director approves every scored review matching one (all or none), and HR sets many
reviews' KPI targets and actual figures in one request (all or none, each problem named by row
and field), through the same services as the pages and the figures file.

Submit-all and approve-all are confirmed: the request carries `expected`, the count the caller
was shown (`dry_run` answers it without changing anything), and optionally its `fingerprint`;
when the set read again is not that one, nothing is changed and 409 `set_changed` says the new
count (a `dry_run` gives it, and the fingerprint, again)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from departments.api import department_id
from hrperf.api.exceptions import ApiError, field_error
from hrperf.api.fields import StrictBooleanField, StrictCharField, StrictIntegerField
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, parse_body, require
from hrperf.lib.errors import FieldError, ValidationFailed
from hrperf.lib.roles import Roles
from reviews import selectors, services, workflow
from reviews.api.common import MAX_ID, MAX_TEXT, PERIOD_PARAMETER, cycle_or_404
from reviews.models import Review, ReviewCycle
from reviews.services import SetChanged
from reviews.workflow import Action

BULK_ERRORS = error_responses(400, 403, 404, 409)
# Rows of figures one request may carry.
FIGURES_MAX = 5000


class ApproveFilterSerializer(serializers.Serializer):
    department = StrictCharField(
        required=False, allow_blank=True, max_length=32, help_text="A department code."
    )
    grade = serializers.ChoiceField(choices=Review.Grade.choices, required=False, allow_blank=True)
    warning = StrictBooleanField(
        required=False,
        allow_null=True,
        help_text="true: only reviews with a verbal warning; false: only those without.",
    )


class SubmitFilterSerializer(ApproveFilterSerializer):
    state = serializers.ChoiceField(
        choices=[(state, label) for state, label in Review.State.choices],
        required=False,
        allow_blank=True,
        help_text="Only reviews in this state (only draft, returned and reopened are submitted).",
    )
    needs = serializers.ChoiceField(
        choices=[(need, need) for need in selectors.NEEDS],
        required=False,
        allow_blank=True,
        help_text="Only reviews still lacking this (as the reviews list's filter).",
    )
    q = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Employee number or name contains this.",
    )


class ConfirmedSerializer(serializers.Serializer):
    expected = StrictIntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text=(
            "The number of reviews the caller was shown (a `dry_run`'s `count`). Required "
            "unless `dry_run`."
        ),
    )
    fingerprint = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The `fingerprint` a `dry_run` gave: the set must also be that one.",
    )
    dry_run = StrictBooleanField(
        required=False,
        default=False,
        help_text="Count only: answer `count` and `fingerprint`, change nothing.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("dry_run") and attrs.get("expected") is None:
            raise serializers.ValidationError(
                {"expected": [_("Give the number of reviews you confirm.")]}
            )
        return attrs


class SubmitAllSerializer(ConfirmedSerializer):
    filter = SubmitFilterSerializer(required=False, help_text="As the reviews list filters.")


class ApproveAllSerializer(ConfirmedSerializer):
    filter = ApproveFilterSerializer(required=False, help_text="As the queue filters.")
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text="Why, if the director writes it: kept in each review's history.",
    )


class LeftOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    employee_no = serializers.CharField()
    name = serializers.CharField()


class BulkOutcomeSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Reviews matching that the action takes.")
    fingerprint = serializers.CharField(help_text="Of that set; send it back to confirm it.")
    done = serializers.IntegerField(help_text="Reviews changed (0 for a `dry_run`).")
    incomplete = serializers.IntegerField(
        help_text="Submit-all: matching reviews left out as incomplete (0 for approve-all)."
    )
    incomplete_reviews = LeftOutSerializer(many=True, help_text="The first 50 of those, named.")


class FigureRowSerializer(serializers.Serializer):
    employee_no = StrictCharField(
        required=False, allow_blank=True, max_length=40, help_text="The employee's number …"
    )
    review = StrictIntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="… or the review's id."
    )
    kpi_code = StrictCharField(max_length=64, help_text="The KPI line's code.")
    target = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=40,
        help_text="A decimal string; left out or blank: unchanged.",
    )
    actual = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=40,
        help_text="A decimal string; left out or blank: unchanged.",
    )


class FiguresSerializer(serializers.Serializer):
    rows = serializers.ListField(child=FigureRowSerializer(), min_length=1, max_length=FIGURES_MAX)


class FiguresOutcomeSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="KPI lines changed.")
    unchanged = serializers.IntegerField(help_text="Rows that changed nothing.")
    reviews = serializers.IntegerField(help_text="Reviews changed.")


def _set_changed(error: SetChanged) -> ApiError:
    return ApiError(
        status_code=409,
        code=error.code,
        message=error.message,
        fields=[field_error("expected", error.message, error.code)],
    )


def _outcome(batch: selectors.Batch, done: int) -> Response:
    return Response(
        BulkOutcomeSerializer(
            {
                "count": batch.count,
                "fingerprint": batch.fingerprint,
                "done": done,
                "incomplete": batch.left_out,
                "incomplete_reviews": batch.named,
            }
        ).data
    )


def _filtered(
    roles: Roles, cycle: ReviewCycle, given: dict[str, Any], state: str | None = None
) -> Any:
    reviews = selectors.review_list(
        viewer_roles=roles,
        cycle=cycle,
        department_id=department_id(given.get("department")),
        state=state or given.get("state") or None,
        grade=given.get("grade") or None,
        warning=given.get("warning"),
        needs=given.get("needs") or None,
    )
    return selectors.review_list_search(reviews, given.get("q") or "")


class CycleSubmitApi(JsonApi):
    @extend_schema(
        operation_id="cycles_submit_all",
        tags=["reviews"],
        summary="Submit every complete review matching a filter (HR)",
        description=(
            "The complete reviews matching `filter` that are draft, returned or reopened go to "
            "the scoring worker, all or none; incomplete ones are left out and counted "
            "(`incomplete`, the first 50 named). Send `dry_run: true` first to get `count` and "
            "`fingerprint`, then `expected` (and `fingerprint`): if the set changed meanwhile, "
            "nothing is submitted and 409 `set_changed` gives the new count."
        ),
        parameters=[PERIOD_PARAMETER],
        request=SubmitAllSerializer,
        responses={200: BulkOutcomeSerializer, **BULK_ERRORS},
    )
    def post(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(workflow.holds(Action.SUBMIT, roles))
        data = parse_body(SubmitAllSerializer, request)
        reviews = _filtered(roles, cycle, data.get("filter") or {})
        batch = selectors.submittable(reviews)
        if data["dry_run"]:
            return _outcome(batch, 0)
        try:
            outcome = services.reviews_submit_batch(
                actor=request.user,
                reviews=reviews,
                expected=data["expected"],
                fingerprint=data.get("fingerprint") or None,
            )
        except SetChanged as error:
            raise _set_changed(error) from None
        return _outcome(batch, outcome.done)


class CycleApproveApi(JsonApi):
    @extend_schema(
        operation_id="cycles_approve_all",
        tags=["reviews"],
        summary="Approve every scored review matching a filter, all or none (director)",
        description=(
            "Every review matching `filter` that is scored at its current revision is approved "
            "in one batch, all or none, with `reason` in each one's history. Send `dry_run: "
            "true` first to get `count` and `fingerprint`, then `expected` (and "
            "`fingerprint`): if any review joined, left or changed meanwhile, nothing is "
            "approved and 409 `set_changed` gives the new count."
        ),
        parameters=[PERIOD_PARAMETER],
        request=ApproveAllSerializer,
        responses={200: BulkOutcomeSerializer, **BULK_ERRORS},
    )
    def post(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(workflow.holds(Action.APPROVE, roles))
        data = parse_body(ApproveAllSerializer, request)
        reviews = _filtered(roles, cycle, data.get("filter") or {}, state=Review.State.SCORED)
        batch = selectors.approvable(reviews)
        if data["dry_run"]:
            return _outcome(batch, 0)
        try:
            outcome = services.reviews_approve_batch(
                actor=request.user,
                reviews=reviews,
                reason=data.get("reason") or "",
                expected=data["expected"],
                fingerprint=data.get("fingerprint") or None,
            )
        except SetChanged as error:
            raise _set_changed(error) from None
        return _outcome(batch, outcome.done)


class CycleFiguresApi(JsonApi):
    @extend_schema(
        operation_id="cycles_figures_update",
        tags=["reviews"],
        summary="Set KPI targets and actual figures of many reviews at once (HR)",
        description=(
            "Each row names a review (`employee_no`, or `review` by id) and a KPI line "
            "(`kpi_code`) and gives its `target` and/or `actual` as decimal strings; a blank "
            "or missing one is left as it is. The rows are checked as the figures file's are "
            "(the same service): all or nothing, every problem named by its row (`fields[]."
            "row`, counting from 0) and field. Only reviews back with HR (draft, returned, "
            "reopened) of an open quarter may change."
        ),
        parameters=[PERIOD_PARAMETER],
        request=FiguresSerializer,
        responses={200: FiguresOutcomeSerializer, **BULK_ERRORS},
    )
    def post(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(workflow.holds(Action.IMPORT_FIGURES, roles))
        given = parse_body(FiguresSerializer, request)["rows"]
        by_id = selectors.reviews_by_ids(
            viewer_roles=roles,
            review_ids=[row["review"] for row in given if row.get("review")],
        )
        problems: list[FieldError] = []
        rows = []
        for index, row in enumerate(given):
            number = (row.get("employee_no") or "").strip()
            if row.get("review"):
                review = by_id.get(row["review"])
                if review is None or review.cycle_id != cycle.pk:
                    problems.append(
                        FieldError(
                            field="review",
                            message=_("No such review in this quarter."),
                            code="not_found",
                            row=index,
                        )
                    )
                    continue
                if number and number.upper() != review.employee.employee_no.upper():
                    problems.append(
                        FieldError(
                            field="employee_no",
                            message=_("This is not the employee of that review."),
                            code="mismatch",
                            row=index,
                        )
                    )
                    continue
                number = review.employee.employee_no
            rows.append(
                {
                    "row": index,
                    "employee_no": number,
                    "kpi_code": row["kpi_code"],
                    "target": row.get("target"),
                    "actual": row.get("actual"),
                }
            )
        try:
            if problems:
                raise ValidationFailed(problems)
            outcome = services.cycle_set_figures(actor=request.user, cycle=cycle, rows=rows)
        except ValidationFailed as failed:
            errors = sorted(
                [*problems, *(failed.errors if not problems else [])],
                key=lambda error: error.row or 0,
            )
            raise ValidationFailed(errors) from None
        return Response(
            FiguresOutcomeSerializer(
                {
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "reviews": outcome.reviews,
                }
            ).data
        )
