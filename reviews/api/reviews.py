"""Reading reviews: a quarter's reviews page by page (those the caller may see), and one review."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from departments.api import department_id
from hrperf.api.pagination import KeysetPagination
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, found, parse_query, query_names, require
from reviews import selectors
from reviews.api.common import PERIOD_PARAMETER, cycle_or_404, position_id
from reviews.api.serializers import (
    ReviewDetailSerializer,
    ReviewPageSerializer,
    ReviewRowSerializer,
)
from reviews.models import (
    Review,
)

REVIEW_PAGES = KeysetPagination(keys=(int,), default_size=100, max_size=500)


class ReviewFilterSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A department code, such as SALES.",
    )
    employee = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=(
            "An employee number, such as E00042: only that employee's review (none when the "
            "number is unknown or the review is not one the caller may see)."
        ),
    )
    state = serializers.ChoiceField(choices=Review.State.choices, required=False, allow_blank=True)
    grade = serializers.ChoiceField(choices=Review.Grade.choices, required=False, allow_blank=True)
    warning = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="true: only the reviews scored below the warning threshold; false: the others.",
    )


def review_or_404(request: Request, review_id: int) -> Review:
    review: Review = found(
        selectors.review_get(viewer_roles=caller_roles(request), review_id=review_id)
    )
    return review


def review_response(request: Request, review: Review) -> Response:
    """The review as it is now, as the caller may see it."""
    return _detail_response(request, review_or_404(request, review.pk))


def _detail_response(request: Request, review: Review) -> Response:
    detail = selectors.review_detail(review=review, viewer_roles=caller_roles(request))
    return Response(ReviewDetailSerializer(detail).data)


class CycleReviewListApi(JsonApi):
    query = {"get": query_names(ReviewFilterSerializer, REVIEW_PAGES)}

    @extend_schema(
        operation_id="cycles_reviews_list",
        tags=["reviews"],
        summary="The quarter's reviews",
        description=(
            "Those the caller may see (HR and the director: all; a department head: their own "
            "department's; an employee: their own approved ones), by id, page by page."
        ),
        parameters=[PERIOD_PARAMETER, ReviewFilterSerializer, *REVIEW_PAGES.parameters()],
        responses={200: ReviewPageSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        cycle = cycle_or_404(roles, period)
        require(roles.sees_reviews)
        filters = parse_query(ReviewFilterSerializer, request)
        size = REVIEW_PAGES.page_size(request.query_params)
        query = {
            "period": cycle.period,
            **{
                name: None if filters.get(name) == "" else filters.get(name)
                for name in ("department", "employee", "state", "grade", "warning")
            },
        }
        after = REVIEW_PAGES.position(request.query_params, query=query)
        reviews = selectors.review_list(
            viewer_roles=roles,
            cycle=cycle,
            department_id=department_id(filters.get("department")),
            employee_no=filters.get("employee") or None,
            state=filters.get("state"),
            grade=filters.get("grade"),
            warning=filters.get("warning"),
            after_id=position_id(after),
        )
        page = REVIEW_PAGES.page(
            request,
            list(reviews[: size + 1]),
            size=size,
            query=query,
            key=lambda review: (review.pk,),
        )
        return Response(
            {"next": page.next, "results": ReviewRowSerializer(page.results, many=True).data}
        )


REVIEW_ERRORS = error_responses(404)


class ReviewDetailApi(JsonApi):
    @extend_schema(
        operation_id="reviews_retrieve",
        tags=["reviews"],
        summary="A review: its lines, ratings, score, calculation, what it lacks and its history",
        description=(
            "`totals` is the result on record (as last scored); `calculation` is what the "
            "figures give as they stand now, step by step, with the exact value behind each "
            "rounded one. Each caller sees only the parts of a review their role shows them "
            "(an employee, say, sees neither the history nor the reasons written in it)."
        ),
        responses={200: ReviewDetailSerializer, **REVIEW_ERRORS},
    )
    def get(self, request: Request, review_id: int) -> Response:
        return _detail_response(request, review_or_404(request, review_id))
