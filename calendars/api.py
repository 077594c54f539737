"""The API of the working-day calendar (HR) and of a quarter's deadlines (read by HR, the
director and the heads; set by HR)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from calendars import selectors, services
from calendars.models import (
    DEFAULT_ANSWER_WORKING_DAYS,
    DEFAULT_APPEAL_WORKING_DAYS,
    MOST_WORKING_DAYS,
    CalendarDay,
)
from hrperf.api.fields import StrictCharField, StrictIntegerField
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, parse_body, parse_query, query_names, require
from hrperf.lib.errors import FieldError, ValidationFailed
from reviews import workflow
from reviews.api.common import PERIOD_PARAMETER, cycle_or_404
from reviews.models import ReviewCycle
from reviews.workflow import Action

DATE_HELP = "A date written YYYY-MM-DD (ASCII digits), such as 2026-10-01."


@extend_schema_field(OpenApiTypes.DATE)
class DateTextField(StrictCharField):
    """A date as text; the service reads it strictly (YYYY-MM-DD) and names what is wrong."""


# -- the deadlines -------------------------------------------------------------------------------


class DeadlinesSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="The quarter, such as 2026Q3.")
    self_assessment_due = serializers.DateField(
        allow_null=True, help_text="The last day of the self-assessment; null: not set."
    )
    rating_due = serializers.DateField(
        allow_null=True, help_text="The last day for the assessors' ratings; null: not set."
    )
    approval_due = serializers.DateField(
        allow_null=True, help_text="The last day for the director's approval; null: not set."
    )
    appeal_working_days = serializers.IntegerField(
        help_text="The appeal window: working days after the day a review is approved."
    )
    answer_working_days = serializers.IntegerField(
        help_text="Working days within which HR answers an appeal."
    )


class DeadlinesInputSerializer(serializers.Serializer):
    self_assessment_due = DateTextField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text=f"{DATE_HELP} Null, empty or left out: not set.",
    )
    rating_due = DateTextField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text=f"{DATE_HELP} On or after the self-assessment deadline. Null, empty or left "
        "out: not set.",
    )
    approval_due = DateTextField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text=f"{DATE_HELP} On or after the ratings deadline. Null, empty or left out: not "
        "set.",
    )
    appeal_working_days = StrictIntegerField(
        required=False,
        min_value=1,
        max_value=MOST_WORKING_DAYS,
        help_text="Working days after the approval day; left out: 5.",
    )
    answer_working_days = StrictIntegerField(
        required=False,
        min_value=1,
        max_value=MOST_WORKING_DAYS,
        help_text="Working days within which HR answers an appeal; left out: 5.",
    )


def _deadlines(cycle: ReviewCycle) -> dict[str, Any]:
    deadlines = selectors.deadlines_of(cycle)
    return DeadlinesSerializer(
        {
            "period": cycle.period,
            **{name: getattr(deadlines, name) for name in selectors.DEADLINE_FIELDS},
        }
    ).data


class DeadlinesApi(JsonApi):
    @extend_schema(
        operation_id="cycles_deadlines_retrieve",
        tags=["deadlines"],
        summary="A quarter's deadlines",
        description=(
            "The last day of the self-assessment, of the ratings and of the approval (each null "
            "while HR has not set it), and the appeal windows in working days (5 unless HR set "
            "another). A deadline passes at the end of its day in China time (Asia/Shanghai). "
            "For HR, the director and the department heads; anyone else gets 403."
        ),
        parameters=[PERIOD_PARAMETER],
        responses={200: DeadlinesSerializer, **error_responses(404)},
    )
    def get(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        require(roles.sees_quarters)
        return Response(_deadlines(cycle_or_404(roles, period)))

    @extend_schema(
        operation_id="cycles_deadlines_update",
        tags=["deadlines"],
        summary="Set a quarter's deadlines (HR)",
        description=(
            "Replaces all five: a date left out or null is not set, a count left out is 5. The "
            "dates go in order (self-assessment ≤ ratings ≤ approval) and lie between the "
            "quarter's first day and a year after its last; the counts are 1 to 60 working days. "
            "Each refusal names its field and rule. A closed quarter answers 409. A change is "
            "recorded in the quarter's history (`deadlines_changed`, each field from and to)."
        ),
        parameters=[PERIOD_PARAMETER],
        request=DeadlinesInputSerializer,
        responses={200: DeadlinesSerializer, **error_responses(400, 403, 404, 409)},
    )
    def put(self, request: Request, period: str) -> Response:
        roles = caller_roles(request)
        workflow.require(Action.SET_DEADLINES, roles)
        cycle = cycle_or_404(roles, period)
        data = parse_body(DeadlinesInputSerializer, request)
        values = {
            **dict.fromkeys(selectors.DATE_FIELDS),
            "appeal_working_days": DEFAULT_APPEAL_WORKING_DAYS,
            "answer_working_days": DEFAULT_ANSWER_WORKING_DAYS,
            **data,
        }
        services.deadlines_set(user=request.user, roles=roles, cycle=cycle, values=values)
        cycle.refresh_from_db()
        return Response(_deadlines(cycle))


# -- the calendar --------------------------------------------------------------------------------


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["day", "kind", "name"]
        read_only_fields = fields
        extra_kwargs = {
            "day": {"help_text": "The date."},
            "kind": {
                "help_text": "holiday: a weekday off; workday: a Saturday or Sunday worked (调休)."
            },
            "name": {"help_text": "What the day is, such as 国庆节; may be empty."},
        }


class CalendarDayInputSerializer(serializers.Serializer):
    day = DateTextField(max_length=20, help_text=DATE_HELP)
    kind = StrictCharField(
        max_length=20,
        help_text="holiday (only a weekday) or workday (only a Saturday or Sunday: 调休).",
    )
    name = StrictCharField(
        required=False, allow_blank=True, max_length=200, help_text="At most 100 characters."
    )


class CalendarDaysInputSerializer(serializers.Serializer):
    days = serializers.ListField(
        child=CalendarDayInputSerializer(),
        max_length=services.MAX_DAYS,
        help_text=f"1 to {services.MAX_DAYS} days, each date at most once.",
    )


class CalendarQuerySerializer(serializers.Serializer):
    year = serializers.RegexField(
        r"^20[0-9]{2}$",
        required=False,
        help_text="Only the days of this year (2000 to 2099); every listed day when left out.",
    )


def _day_errors(failed: ValidationFailed) -> ValidationFailed:
    """The service's errors, each named by its place in `days` as the request has it."""
    return ValidationFailed(
        [
            FieldError(
                field=f"days[{error.row - 1}].{error.field}" if error.row else error.field,
                message=error.message,
                code=error.code,
            )
            for error in failed.errors
        ]
    )


class CalendarDaysApi(JsonApi):
    query = {"get": query_names(CalendarQuerySerializer)}

    @extend_schema(
        operation_id="calendar_days_list",
        tags=["calendar"],
        summary="The working-day calendar's listed days (HR)",
        description=(
            "The days that are not what their weekday says, in date order: holidays on "
            "weekdays and weekend days worked instead (调休). Every other weekday is a working "
            "day and every other Saturday and Sunday is not; deadlines counted in working days "
            "(the appeal window) follow this calendar."
        ),
        parameters=[CalendarQuerySerializer],
        responses={200: CalendarDaySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        workflow.require(Action.EDIT_CALENDAR, caller_roles(request))
        year = parse_query(CalendarQuerySerializer, request).get("year")
        if "year" in request.query_params and not year:  # `?year=`: no year is not a year
            raise ValidationFailed(
                [FieldError(field="year", message=_("Give a year from 2000 to 2099."))]
            )
        days = selectors.calendar_days(year=int(year) if year else None)
        return Response(CalendarDaySerializer(days, many=True).data)

    @extend_schema(
        operation_id="calendar_days_set",
        tags=["calendar"],
        summary="Add or replace listed days (HR)",
        description=(
            "All or nothing: a day already listed takes the kind and name given. A holiday must "
            "be a weekday and a working day a Saturday or Sunday; each refusal names the day by "
            "its place, such as `days[2].kind`. Answers the days saved."
        ),
        request=CalendarDaysInputSerializer,
        responses={200: CalendarDaySerializer(many=True), **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        roles = caller_roles(request)
        workflow.require(Action.EDIT_CALENDAR, roles)
        data = parse_body(CalendarDaysInputSerializer, request)
        try:
            days = services.calendar_days_set(user=request.user, roles=roles, rows=data["days"])
        except ValidationFailed as failed:
            raise _day_errors(failed) from None
        return Response(CalendarDaySerializer(days, many=True).data, status=status.HTTP_200_OK)


class CalendarDayApi(JsonApi):
    @extend_schema(
        operation_id="calendar_days_destroy",
        tags=["calendar"],
        summary="Take a day off the calendar (HR)",
        description=(
            "The day is what its weekday says again. A date not listed, or not a date written "
            "YYYY-MM-DD, answers 404."
        ),
        parameters=[
            OpenApiParameter("day", OpenApiTypes.STR, OpenApiParameter.PATH, description=DATE_HELP)
        ],
        responses={204: None, **error_responses(403, 404)},
    )
    def delete(self, request: Request, day: str) -> Response:
        roles = caller_roles(request)
        workflow.require(Action.EDIT_CALENDAR, roles)
        try:
            when = services.read_date(day)
        except ValueError:
            raise NotFound from None
        if not services.calendar_day_remove(user=request.user, roles=roles, day=when):
            raise NotFound
        return Response(status=status.HTTP_204_NO_CONTENT)
