"""The rating grid through the API: one assessor's rows of a quarter (GET, by cursor) and many
rows of ratings saved in one request (POST), each row alone (`reviews.services.grid`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from departments.api import department_id
from hrperf.api.fields import StrictCharField, StrictIntegerField
from hrperf.api.pagination import KeysetPagination
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, parse_body, parse_query, query_names
from reviews.api.actions import ASSESSOR_PARAMETER, RatingValuesField
from reviews.api.common import (
    MAX_ID,
    MAX_REVISION,
    MAX_TEXT,
    PERIOD_PARAMETER,
    cycle_or_404,
    position_id,
)
from reviews.selectors import grid as grid_selectors
from reviews.services.grid import MAX_ROWS, RowInput, grid_rate, require_assessor

GRID_PAGES = KeysetPagination(keys=(int,), default_size=100, max_size=500)


class GridFilterSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A department code, such as SALES.",
    )
    state = serializers.ChoiceField(
        choices=list(grid_selectors.STATES),
        required=False,
        allow_blank=True,
        help_text="Only reviews in this state (approved reviews are never rows: they are frozen).",
    )
    unrated = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: only the reviews this assessor has not rated on every competency.",
    )


class GridEmployeeSerializer(serializers.Serializer):
    employee_no = serializers.CharField(source="employee.employee_no")
    name = serializers.CharField(source="employee.name")
    department = serializers.CharField(source="department.code", help_text="The department's code.")


class GridRowSerializer(serializers.Serializer):
    review = serializers.IntegerField(source="review.pk", help_text="The review's id.")
    revision = serializers.IntegerField(
        source="review.revision", help_text="Send it back with the row's ratings."
    )
    state = serializers.CharField(source="review.state")
    employee = GridEmployeeSerializer(source="review")
    ratings = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=1, max_value=5),
        help_text="This assessor's ratings by competency code; null: not rated yet.",
    )
    self_assessment = serializers.SerializerMethodField(
        help_text="The self-assessment's state when the caller may read it (the review's own "
        "endpoint and page show it), else null."
    )

    def get_self_assessment(self, row: grid_selectors.GridRow) -> str | None:
        return row.self_state if row.shows_self_assessment else None


class GridPageSerializer(serializers.Serializer):
    next = serializers.URLField(
        allow_null=True, help_text="The next page's address; null on the last."
    )
    results = GridRowSerializer(many=True)


GRID_RATINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "By competency code, a whole number from 1 to 5 (a JSON integer). A value outside 1–5 "
        "or an unknown competency refuses its row alone (`invalid`, each named in `errors`)."
    ),
    "additionalProperties": {"type": "integer"},
    "example": {"culture_loyalty": 4, "customer_industry_knowledge": 3},
}


@extend_schema_field(GRID_RATINGS_SCHEMA)
class GridRatingsField(RatingValuesField):
    """Ratings as JSON integers; their range is checked row by row (the service)."""


class GridRowInputSerializer(serializers.Serializer):
    review = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text="The review's id.")
    revision = StrictIntegerField(
        min_value=1, max_value=MAX_REVISION, help_text="The `revision` the row was read at."
    )
    ratings = GridRatingsField()


class GridSaveSerializer(serializers.Serializer):
    rows = GridRowInputSerializer(  # type: ignore[call-arg]
        many=True,
        allow_empty=False,
        max_length=MAX_ROWS,
        help_text=f"At most {MAX_ROWS} rows; each review once.",
    )
    reason_code = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=(
            "Why the ratings change, for every changed row: `calibration`, `new_evidence`, "
            "`correction` or `other` (another value refuses the whole save, 400). A changed row "
            "of a scored review without it is refused alone (`invalid`, its error on "
            "`rows[<index>].reason_code`, code `reason_required`); kept in the history."
        ),
    )
    note = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text="A note on why, kept with the reason code in the history.",
    )
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text="The same as `note` (used when `note` is not given).",
    )


class RowErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="`rows[<index>].ratings.<competency code>`, `rows[<index>].review` (repeated) "
        "or `rows[<index>].reason_code` (a scored review's row without a reason code)."
    )
    row = serializers.IntegerField(help_text="The row's index in the request, from 0.")
    code = serializers.CharField()
    message = serializers.CharField()


@extend_schema_field(
    {
        "type": "string",
        "example": "saved",
        "description": (
            "One of: `saved`; `unchanged` (the assessor's ratings were these already); "
            "refused, nothing of the row written: `stale` (the review changed after "
            "`revision`: `theirs` holds its ratings now, send the row again with `revision` "
            "to keep yours), `invalid` "
            "(`errors` names each value), `frozen` (approved), `not_found` (no such review in "
            "this quarter)."
        ),
    }
)
class OutcomeField(serializers.CharField):
    pass


class RowResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's index in the request, from 0.")
    review = serializers.IntegerField(source="review_id")
    outcome = OutcomeField()
    message = serializers.CharField(allow_blank=True)
    revision = serializers.IntegerField(
        allow_null=True, help_text="The review's revision now; null for `not_found`."
    )
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]
    theirs = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="This assessor's ratings of the review now, by competency code.",
    )


class GridSaveResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()
    rows = RowResultSerializer(many=True)


class CycleRatingsApi(JsonApi):
    query = {"get": query_names(GridFilterSerializer, GRID_PAGES)}

    @extend_schema(
        operation_id="cycles_ratings_list",
        tags=["reviews"],
        summary="One assessor's rating grid of the quarter",
        description=(
            "The quarter's reviews the assessor rates (all but approved ones), by id, page by "
            "page, each with the assessor's ratings and its revision. HR reads the grid of "
            "`hr`, the marketing director that of `marketing_director`; anyone else is refused "
            "(403)."
        ),
        parameters=[
            PERIOD_PARAMETER,
            ASSESSOR_PARAMETER,
            GridFilterSerializer,
            *GRID_PAGES.parameters(),
        ],
        responses={200: GridPageSerializer, **error_responses(400, 403, 404)},
    )
    def get(self, request: Request, period: str, assessor_role: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require_assessor(actor=request.user, assessor_role=assessor_role)
        filters = parse_query(GridFilterSerializer, request)
        size = GRID_PAGES.page_size(request.query_params)
        query: dict[str, Any] = {
            "period": cycle.period,
            "assessor": assessor_role,
            "department": filters.get("department") or None,
            "state": filters.get("state") or None,
            "unrated": filters.get("unrated", False),
        }
        after = GRID_PAGES.position(request.query_params, query=query)
        reviews = grid_selectors.by_id(
            grid_selectors.grid_reviews(
                viewer_roles=roles,
                cycle=cycle,
                assessor_role=assessor_role,
                department_id=department_id(filters.get("department")),
                state=filters.get("state") or None,
                unrated=bool(filters.get("unrated")),
                after_id=position_id(after),
            )
        )
        page = GRID_PAGES.page(
            request,
            list(reviews[: size + 1]),
            size=size,
            query=query,
            key=lambda review: (review.pk,),
        )
        codes = grid_selectors.competency_codes()
        rows = grid_selectors.grid_rows(
            viewer_roles=roles, reviews=page.results, assessor_role=assessor_role, codes=codes
        )
        return Response({"next": page.next, "results": GridRowSerializer(rows, many=True).data})

    @extend_schema(
        operation_id="cycles_ratings_save",
        tags=["reviews"],
        summary="Save many rows of one assessor's ratings at once",
        description=(
            "Each row (a review, the `revision` it was read at, its ratings by competency code) "
            "is saved alone, as `PUT /reviews/<id>/ratings/<assessor>` saves one: a row refused "
            "(changed meanwhile, an invalid value, approved, not in this quarter) writes nothing "
            "and the other rows are saved. The answer is 200 with each row's `outcome` and the "
            "counts. Comments written with the ratings stay as they are. `reason_code` and "
            "`note` (or `reason`) say why, for every changed row: a changed row of a scored "
            "review needs the code (else it is refused alone, `invalid`). Only the assessor's "
            "role may save (HR as `hr`, the director as `marketing_director`): anyone else, and "
            "any save as `self`, is refused whole (403)."
        ),
        parameters=[PERIOD_PARAMETER, ASSESSOR_PARAMETER],
        request=GridSaveSerializer,
        responses={200: GridSaveResultSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, period: str, assessor_role: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require_assessor(actor=request.user, assessor_role=assessor_role)
        data = parse_body(GridSaveSerializer, request)
        result = grid_rate(
            actor=request.user,
            cycle=cycle,
            assessor_role=assessor_role,
            rows=[
                RowInput(review_id=row["review"], revision=row["revision"], ratings=row["ratings"])
                for row in data["rows"]
            ],
            reason_code=data.get("reason_code", ""),
            note=data.get("note") or data.get("reason", ""),
        )
        return Response(
            {
                "saved": result.saved,
                "unchanged": result.unchanged,
                "refused": result.refused,
                "rows": RowResultSerializer(result.rows, many=True).data,
            }
        )
