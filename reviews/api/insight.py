"""The calibration figures of a quarter (绩效校准), read-only, for HR and the director (as the
reports): each assessor's leniency by department, and the 9-box of KPI score by competency
score with the reviews of one box page by page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from departments.api import department_id
from hrperf.api.fields import BilingualField
from hrperf.api.pagination import KeysetPagination
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, parse_query, query_names, require
from reviews.api.common import PERIOD_PARAMETER, cycle_or_404, position_id
from reviews.api.serializers import ReviewRowSerializer
from reviews.selectors.leniency import leniency
from reviews.selectors.ninebox import BOXES, box_reviews, nine_box

DEPARTMENT_HELP = "A department code, such as SALES: only that department (any case)."


class CalibrationFilterSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=DEPARTMENT_HELP
    )


# -- leniency ----------------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many ratings (one per competency).")
    mean = serializers.DecimalField(
        max_digits=4, decimal_places=2, allow_null=True, help_text="Null when there is none."
    )
    std_dev = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        allow_null=True,
        help_text="The population standard deviation; null when there is no rating.",
    )


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = BilingualField()


class DepartmentLeniencySerializer(serializers.Serializer):
    department = DepartmentRefSerializer()
    count = serializers.IntegerField(source="figures.count")
    mean = serializers.DecimalField(
        source="figures.mean", max_digits=4, decimal_places=2, allow_null=True
    )
    std_dev = serializers.DecimalField(
        source="figures.std_dev", max_digits=4, decimal_places=2, allow_null=True
    )
    difference = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        allow_null=True,
        help_text="The department's mean minus the division's (of the exact means, rounded).",
    )
    flagged = serializers.BooleanField(help_text="|difference| is above the gap.")


class AssessorLeniencySerializer(serializers.Serializer):
    assessor = serializers.CharField(
        help_text="The assessor's role: marketing_director, hr or self."
    )
    advisory = serializers.BooleanField(
        help_text="The self-assessment: shown for comparison, listed only when there is any."
    )
    division = FiguresSerializer(help_text="The assessor's ratings over every department.")
    departments = DepartmentLeniencySerializer(many=True)
    flagged = serializers.IntegerField(help_text="How many of `departments` are flagged.")


class LeniencySerializer(serializers.Serializer):
    period = serializers.CharField()
    gap = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        help_text="Rating points (the setting CALIBRATION_LENIENCY_GAP).",
    )
    department = serializers.CharField(allow_null=True, help_text="The department asked for.")
    assessors = AssessorLeniencySerializer(many=True, source="shown")


class CycleLeniencyApi(JsonApi):
    query = {"get": query_names(CalibrationFilterSerializer)}

    @extend_schema(
        operation_id="cycles_leniency_retrieve",
        tags=["calibration"],
        summary="Assessor leniency by department",
        description=(
            "For each assessor (the marketing director and HR; the self-assessment too when "
            "there is any, as advisory) the number, mean and population standard deviation of "
            "their competency ratings (1-5) of the quarter's reviews, per department and over "
            "the division. A department is flagged when its mean differs from the division's "
            "mean for that assessor by more than `gap`. With `department`, only that "
            "department's rows (the division's figures stay the whole division's). HR and the "
            "director only."
        ),
        parameters=[PERIOD_PARAMETER, CalibrationFilterSerializer],
        responses={200: LeniencySerializer, **error_responses(400, 403, 404)},
    )
    def get(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(roles.sees_reports)
        filters = parse_query(CalibrationFilterSerializer, request)
        code = filters.get("department") or None
        data = leniency(viewer_roles=roles, cycle=cycle, department_id=department_id(code))
        body = {
            "period": data.period,
            "gap": data.gap,
            "department": code.strip().upper() if code else None,
            "shown": data.shown,
        }
        return Response(LeniencySerializer(body).data)


# -- the 9-box ---------------------------------------------------------------------------------

BOX_REVIEWS = KeysetPagination(keys=(int,), default_size=100, max_size=500)
BAND_HELP = "low, middle or high."
BOX_HELP = (
    "A box, as `<K band>-<C band>` (each low, middle or high), such as `high-middle`: the "
    "reviews in it, by id, page by page (`reviews`)."
)


class NineBoxFilterSerializer(CalibrationFilterSerializer):
    box = serializers.ChoiceField(
        choices=sorted(BOXES), required=False, allow_blank=True, help_text=BOX_HELP
    )


class CutsSerializer(serializers.Serializer):
    low = serializers.DecimalField(max_digits=6, decimal_places=2)
    high = serializers.DecimalField(max_digits=6, decimal_places=2)


class BoxSerializer(serializers.Serializer):
    box = serializers.CharField(source="code")
    kpi_band = serializers.CharField(help_text=BAND_HELP)
    competency_band = serializers.CharField(help_text=BAND_HELP)
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The box's name, in the caller's language."
    )
    count = serializers.IntegerField()
    share = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="Percent of the scored reviews; null when none is scored.",
    )


class BoxReviewsSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ReviewRowSerializer(many=True)


class NineBoxSerializer(serializers.Serializer):
    period = serializers.CharField()
    cuts = CutsSerializer(help_text="The setting CALIBRATION_NINEBOX_CUTS.")
    department = serializers.CharField(allow_null=True)
    scored = serializers.IntegerField(help_text="Scored or approved reviews, in the boxes.")
    not_scored = serializers.IntegerField(help_text="Reviews with no score yet, in no box.")
    boxes = BoxSerializer(many=True, help_text="C high first, each row K low to high.")
    reviews = BoxReviewsSerializer(
        required=False, help_text="With `box` only: the box's reviews, by id."
    )


class CycleNineBoxApi(JsonApi):
    query = {"get": query_names(NineBoxFilterSerializer, BOX_REVIEWS)}

    @extend_schema(
        operation_id="cycles_nine_box_retrieve",
        tags=["calibration"],
        summary="The 9-box: KPI score by competency score",
        description=(
            "How many of the quarter's scored or approved reviews fall in each of the nine "
            "boxes of KPI score K by competency score C, each low (below `cuts.low`), middle "
            "(from `cuts.low` to below `cuts.high`) or high; and how many have no score yet. "
            "With `box`, the reviews of that box too, by id, page by page. HR and the "
            "director only."
        ),
        parameters=[PERIOD_PARAMETER, NineBoxFilterSerializer, *BOX_REVIEWS.parameters()],
        responses={200: NineBoxSerializer, **error_responses(400, 403, 404)},
    )
    def get(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(roles.sees_reports)
        filters = parse_query(NineBoxFilterSerializer, request)
        code = filters.get("department") or None
        department = department_id(code)
        data = nine_box(viewer_roles=roles, cycle=cycle, department_id=department)
        body: dict[str, Any] = {
            "period": data.period,
            "cuts": CutsSerializer({"low": data.cuts[0], "high": data.cuts[1]}).data,
            "department": code.strip().upper() if code else None,
            "scored": data.scored,
            "not_scored": data.not_scored,
            "boxes": BoxSerializer(data.boxes, many=True).data,
        }
        box = filters.get("box") or None
        # Checked with or without a box: a page size or cursor out of bounds is refused.
        size = BOX_REVIEWS.page_size(request.query_params)
        query = {"period": cycle.period, "department": body["department"], "box": box}
        after = position_id(BOX_REVIEWS.position(request.query_params, query=query))
        if box:
            reviews = box_reviews(
                viewer_roles=roles, cycle=cycle, box=box, department_id=department
            )
            if after is not None:
                reviews = reviews.filter(pk__gt=after)
            page = BOX_REVIEWS.page(
                request,
                list(reviews.select_related("cycle").order_by("pk")[: size + 1]),
                size=size,
                query=query,
                key=lambda review: (review.pk,),
            )
            body["reviews"] = {
                "next": page.next,
                "results": ReviewRowSerializer(page.results, many=True).data,
            }
        return Response(body)
