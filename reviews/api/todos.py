"""The to-do endpoints: the caller's own to-dos (待办), overdue first, and the division's overdue
work by department and kind (HR and the director only). A personal token acts as its holder;
a payroll token is refused."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.views import Api, caller_roles, require
from hrperf.lib.todos import summary_of
from reviews.selectors.overdue import overdue_work
from reviews.selectors.todos import KINDS, todos_of

KIND_HELP = "A stable name of the kind of work: " + ", ".join(KINDS) + "."


class TodoSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=KIND_HELP)
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="What to do, in the language of Accept-Language."
    )
    url = serializers.CharField(help_text="The path of the page where it is done.")
    count = serializers.IntegerField(help_text="How many of this kind wait.")
    due = serializers.DateField(
        allow_null=True, help_text="The nearest deadline among them (null: none)."
    )
    overdue = serializers.BooleanField(help_text="Whether any of them is past its deadline.")
    period = serializers.CharField(
        allow_null=True, help_text="The quarter, for the work of one quarter (null: any)."
    )


class TodoListSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="The items' counts added up.")
    overdue = serializers.IntegerField(help_text="How many of them are overdue.")
    results = TodoSerializer(many=True)


class OverdueRowSerializer(serializers.Serializer[Any]):
    department = serializers.CharField(source="department.code", help_text="Department code.")
    department_name = serializers.SerializerMethodField()
    kind = serializers.CharField(
        help_text="director_ratings, hr_ratings, incomplete, ready, returned, reopened, "
        "to_approve, self_assess, answer_appeal, hold_conversation, check_in or judge_plan."
    )
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The kind of work, in the caller's language."
    )
    period = serializers.CharField(
        allow_null=True, help_text="The quarter, for a quarter's reviews and appeals."
    )
    count = serializers.IntegerField()
    url = serializers.CharField(help_text="The path of the page where this work is seen.")

    def get_department_name(self, row: Any) -> str:
        return row.department.tr("name")


class OverdueListSerializer(serializers.Serializer[Any]):
    results = OverdueRowSerializer(many=True)


class TodoListApi(Api):
    @extend_schema(
        operation_id="todos_list",
        tags=["todos"],
        summary="The caller's to-dos (待办), overdue first",
        description=(
            "Everything the caller must do now, one item per kind of work (and quarter, for a "
            "quarter's review work), overdue first, then by the nearest deadline. Any "
            "signed-in person or personal token (its holder's list); a payroll token gets 403."
        ),
        responses={200: TodoListSerializer},
    )
    def get(self, request: Request) -> Response:
        items = todos_of(request.user)
        summary = summary_of(items)
        return Response(
            {
                "count": summary.count,
                "overdue": summary.overdue,
                "results": TodoSerializer(items, many=True).data,
            }
        )


class OverdueListApi(Api):
    @extend_schema(
        operation_id="todos_overdue",
        tags=["todos"],
        summary="Overdue work across the division, by department and kind",
        description=(
            "Ratings, submissions and approvals past the quarter's deadlines, self-assessments "
            "missed, appeals not answered in time, conversations not held, plan check-ins "
            "overdue and plans not judged, by department (the catalogue's order) and kind. HR "
            "and the director only; anyone else gets 403."
        ),
        responses={200: OverdueListSerializer},
    )
    def get(self, request: Request) -> Response:
        require(caller_roles(request).sees_all_reviews)
        rows = overdue_work(viewer_roles=caller_roles(request))
        return Response({"results": OverdueRowSerializer(rows, many=True).data})
