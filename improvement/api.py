"""The API of conversations (绩效面谈), improvement plans (绩效改进计划) and written warnings
(书面警告). Who sees what is the selectors' (an object the caller may not see is a 404), who
may do what the workflow table's (an action the caller's role does not give is a 403)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.fields import StrictCharField, StrictIntegerField
from hrperf.api.pagination import KeysetPagination
from hrperf.api.schema import error_responses
from hrperf.api.views import (
    JsonApi,
    caller_roles,
    found,
    parse_body,
    parse_query,
    query_names,
    require,
)
from hrperf.lib.roles import Roles
from improvement import selectors, services
from improvement.models import (
    AgreedAction,
    CheckIn,
    Conversation,
    Goal,
    GoalProgress,
    Plan,
    WrittenWarning,
)
from improvement.services.common import MAX_TEXT
from reviews import workflow
from reviews.api.common import MAX_ID, WRITE_ERRORS, position_id
from reviews.workflow import Action

PAGES = KeysetPagination(keys=(int,), default_size=100, max_size=500)
READ_ERRORS = error_responses(400, 403, 404)


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _position(request: Request, query: dict[str, Any]) -> int | None:
    return position_id(PAGES.position(request.query_params, query=query))


def _page(request: Request, rows: Any, serializer: Any, query: dict[str, Any]) -> Response:
    size = PAGES.page_size(request.query_params)
    page = PAGES.page(
        request, list(rows[: size + 1]), size=size, query=query, key=lambda row: (row.pk,)
    )
    return Response({"next": page.next, "results": serializer(page.results, many=True).data})


# -- serializers --------------------------------------------------------------------------------


class ReviewRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The review's id.")
    period = serializers.CharField(source="cycle.period", help_text="Its quarter, such as 2026Q3.")
    employee_no = serializers.CharField(source="employee.employee_no")
    employee_name = serializers.CharField(source="employee.name")
    department = serializers.CharField(source="department.code", help_text="Catalogue code.")


class AgreedActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreedAction
        fields = ["action", "owner", "due_on"]
        read_only_fields = fields


class ConversationSerializer(serializers.ModelSerializer):
    review = ReviewRefSerializer(read_only=True)
    warning = serializers.IntegerField(
        source="warning_id", allow_null=True, help_text="The verbal warning it follows, if any."
    )
    participants = serializers.ListField(child=serializers.CharField())
    actions = AgreedActionSerializer(many=True, read_only=True)
    recorded_by = serializers.SerializerMethodField()
    acknowledged_by = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "review",
            "warning",
            "held_on",
            "participants",
            "summary",
            "actions",
            "recorded_by",
            "recorded_at",
            "acknowledged_by",
            "acknowledged_at",
            "employee_comment",
        ]
        read_only_fields = fields

    def get_recorded_by(self, conversation: Conversation) -> str | None:
        return _username(conversation.recorded_by)

    def get_acknowledged_by(self, conversation: Conversation) -> str | None:
        return _username(conversation.acknowledged_by)


class ConversationPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ConversationSerializer(many=True)


class ActionInSerializer(serializers.Serializer):
    action = StrictCharField(max_length=MAX_TEXT, allow_blank=True, help_text="What was agreed.")
    owner = StrictCharField(max_length=100, allow_blank=True, help_text="Who does it, by name.")
    due_on = serializers.DateField(help_text="By when (YYYY-MM-DD), not before the conversation.")


class ConversationInSerializer(serializers.Serializer):
    review = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="The review with a verbal warning (or C or D)."
    )
    held_on = serializers.DateField(help_text="When it was held (YYYY-MM-DD), not in the future.")
    participants = serializers.ListField(
        child=StrictCharField(max_length=100, allow_blank=True),
        max_length=20,
        help_text="Who took part, by name (one to twenty).",
    )
    summary = StrictCharField(max_length=MAX_TEXT, allow_blank=True, help_text="What was said.")
    actions = ActionInSerializer(
        many=True, required=False, help_text="The actions agreed (up to twenty)."
    )


class CommentSerializer(serializers.Serializer):
    comment = StrictCharField(
        max_length=MAX_TEXT,
        allow_blank=True,
        required=False,
        default="",
        help_text="The employee's comment on the record (optional).",
    )


class GoalSerializer(serializers.ModelSerializer):
    target_value = serializers.DecimalField(
        max_digits=18, decimal_places=4, allow_null=True, help_text="The target figure, as text."
    )

    class Meta:
        model = Goal
        fields = [
            "id",
            "order",
            "description",
            "target_text",
            "target_value",
            "target_unit",
            "due_on",
        ]
        read_only_fields = fields


class GoalProgressSerializer(serializers.ModelSerializer):
    goal = serializers.IntegerField(source="goal_id")

    class Meta:
        model = GoalProgress
        fields = ["goal", "progress"]
        read_only_fields = fields


class CheckInSerializer(serializers.ModelSerializer):
    progress = GoalProgressSerializer(many=True, read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = CheckIn
        fields = ["id", "held_on", "overall", "note", "progress", "recorded_by", "recorded_at"]
        read_only_fields = fields

    def get_recorded_by(self, check_in: CheckIn) -> str | None:
        return _username(check_in.recorded_by)


class PlanSerializer(serializers.ModelSerializer):
    review = ReviewRefSerializer(read_only=True)
    judged_by = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(help_text="Open until judged passed or failed.")

    class Meta:
        model = Plan
        fields = [
            "id",
            "review",
            "starts_on",
            "ends_on",
            "is_open",
            "outcome",
            "outcome_note",
            "judged_by",
            "judged_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_judged_by(self, plan: Plan) -> str | None:
        return _username(plan.judged_by)


class NextReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField(source="cycle.period")
    state = serializers.CharField()
    total_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    grade = serializers.CharField()
    verbal_warning = serializers.BooleanField()


class PlanDetailSerializer(PlanSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    check_ins = CheckInSerializer(many=True, read_only=True)
    next_review = serializers.SerializerMethodField(
        help_text="The next quarter's review of the employee, when it exists and the caller "
        "sees its result: what the outcome is judged against."
    )

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "goals", "check_ins", "next_review"]
        read_only_fields = fields

    @extend_schema_field(NextReviewSerializer(allow_null=True))
    def get_next_review(self, plan: Plan) -> Any:
        following = self.context.get("next_review")
        return NextReviewSerializer(following).data if following is not None else None


class PlanPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = PlanSerializer(many=True)


class GoalInSerializer(serializers.Serializer):
    description = StrictCharField(max_length=MAX_TEXT, allow_blank=True, help_text="The goal.")
    target_text = StrictCharField(
        max_length=200, allow_blank=True, required=False, default="", help_text="A target as text."
    )
    target_value = StrictCharField(
        max_length=40,
        allow_blank=True,
        required=False,
        default="",
        help_text='A target figure as text, such as "95.5" (then give its unit).',
    )
    target_unit = StrictCharField(
        max_length=20, allow_blank=True, required=False, default="", help_text="Its unit."
    )
    due_on = serializers.DateField(help_text="By when (YYYY-MM-DD), within the plan.")


class PlanInSerializer(serializers.Serializer):
    review = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="The review with a verbal warning it starts from."
    )
    starts_on = serializers.DateField(
        required=False, allow_null=True, help_text="Its first day (YYYY-MM-DD); today if left out."
    )
    ends_on = serializers.DateField(help_text="Its last day (YYYY-MM-DD), after its first.")
    goals = GoalInSerializer(many=True, help_text="One to ten measurable goals.")


class CheckInInSerializer(serializers.Serializer):
    held_on = serializers.DateField(
        help_text="When (YYYY-MM-DD), within the plan, not later than today."
    )
    overall = StrictCharField(
        max_length=MAX_TEXT,
        allow_blank=True,
        required=False,
        default="",
        help_text="Progress overall.",
    )
    note = StrictCharField(
        max_length=MAX_TEXT, allow_blank=True, required=False, default="", help_text="A note."
    )
    progress = serializers.DictField(
        child=StrictCharField(max_length=MAX_TEXT, allow_blank=True),
        required=False,
        default=dict,
        help_text="Progress per goal: the goal's id (as text) → what was reached.",
    )


class JudgeInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Plan.Outcome.choices,
        help_text="passed or failed close the plan; extended keeps it open until `ends_on`.",
    )
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text="The new last day, when extended."
    )
    reason = StrictCharField(
        max_length=MAX_TEXT, allow_blank=True, required=False, default="", help_text="Why."
    )


class CountedSerializer(serializers.Serializer):
    warning = serializers.IntegerField(help_text="The verbal warning's id.")
    period = serializers.CharField(help_text="Its quarter.")


class WrittenWarningSerializer(serializers.ModelSerializer):
    review = ReviewRefSerializer(read_only=True)
    warning = serializers.IntegerField(source="warning_id", help_text="The triggering warning.")
    counted = serializers.SerializerMethodField(
        help_text="The earlier verbal warnings it counts: their ids and quarters."
    )
    acknowledged_by = serializers.SerializerMethodField()

    class Meta:
        model = WrittenWarning
        fields = [
            "id",
            "review",
            "warning",
            "counted",
            "warnings_needed",
            "within_quarters",
            "created_at",
            "acknowledged_by",
            "acknowledged_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CountedSerializer(many=True))
    def get_counted(self, written: WrittenWarning) -> list[dict[str, Any]]:
        return [{"warning": w.pk, "period": w.review.cycle.period} for w in written.counted.all()]

    def get_acknowledged_by(self, written: WrittenWarning) -> str | None:
        return _username(written.acknowledged_by)


class WrittenWarningPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = WrittenWarningSerializer(many=True)


class AcknowledgedFilterSerializer(serializers.Serializer):
    acknowledged = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="false: those HR has still to acknowledge; true: those acknowledged.",
    )


class OpenFilterSerializer(serializers.Serializer):
    open = serializers.BooleanField(
        required=False, allow_null=True, help_text="true: only the open plans."
    )


# -- conversations ------------------------------------------------------------------------------


class ConversationListApi(JsonApi):
    query = {"get": query_names(PAGES)}

    @extend_schema(
        operation_id="conversations_list",
        tags=["improvement"],
        summary="Performance conversations (绩效面谈), newest first",
        description=(
            "HR and the director see all; a department head their department's (never their "
            "own); an employee their own. Anyone else gets 403."
        ),
        parameters=[*PAGES.parameters()],
        responses={200: ConversationPageSerializer, **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        roles = caller_roles(request)
        require(roles.sees_reviews)
        rows = selectors.conversation_list(viewer_roles=roles, before_id=_position(request, {}))
        return _page(request, rows, ConversationSerializer, {})

    @extend_schema(
        operation_id="conversations_create",
        tags=["improvement"],
        summary="Record a performance conversation (HR or the department's head)",
        description=(
            "About a review with a verbal warning, or graded C or D (else 409 `not_low_score`): "
            "when it was held, who took part, a summary and the actions agreed. A head may not "
            "record one about their own review."
        ),
        request=ConversationInSerializer,
        responses={201: ConversationSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        roles = caller_roles(request)
        workflow.require(Action.RECORD_CONVERSATION, roles)
        data = parse_body(ConversationInSerializer, request)
        review = found(selectors.review_for_action(viewer_roles=roles, review_id=data["review"]))
        record = services.conversation_record(
            actor=request.user,
            review=review,
            held_on=data["held_on"],
            participants=data["participants"],
            summary=data["summary"],
            actions=[services.ActionInput(**row) for row in data.get("actions", [])],
        )
        fresh = selectors.conversation_get(viewer_roles=roles, conversation_id=record.pk)
        return Response(ConversationSerializer(fresh).data, status=201)


class ConversationDetailApi(JsonApi):
    @extend_schema(
        operation_id="conversations_read",
        tags=["improvement"],
        summary="One performance conversation",
        description=(
            "When it was held, who took part, the summary, the actions agreed and the "
            "employee's acknowledgement. 404 for a conversation the caller may not see."
        ),
        responses={200: ConversationSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, conversation_id: int) -> Response:
        roles = caller_roles(request)
        record = found(
            selectors.conversation_get(viewer_roles=roles, conversation_id=conversation_id)
        )
        return Response(ConversationSerializer(record).data)


class ConversationAcknowledgeApi(JsonApi):
    @extend_schema(
        operation_id="conversations_acknowledge",
        tags=["improvement"],
        summary="Acknowledge the record of one's own conversation (the employee)",
        description=(
            "Once, with an optional comment; a second time is 409 `already_acknowledged`. "
            "Only the employee the conversation is about (403 for anyone else who sees it)."
        ),
        request=CommentSerializer,
        responses={200: ConversationSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, conversation_id: int) -> Response:
        roles = caller_roles(request)
        record = found(
            selectors.conversation_get(viewer_roles=roles, conversation_id=conversation_id)
        )
        data = parse_body(CommentSerializer, request)
        services.conversation_acknowledge(
            actor=request.user, conversation=record, comment=data.get("comment", "")
        )
        fresh = selectors.conversation_get(viewer_roles=roles, conversation_id=record.pk)
        return Response(ConversationSerializer(fresh).data)


# -- plans --------------------------------------------------------------------------------------


def _plan_body(roles: Roles, plan_id: int) -> dict[str, Any]:
    plan = found(selectors.plan_get(viewer_roles=roles, plan_id=plan_id))
    following = selectors.next_review(plan)
    if following is not None and not selectors.sees_result(roles, following):
        following = None
    return dict(PlanDetailSerializer(plan, context={"next_review": following}).data)


class PlanListApi(JsonApi):
    query = {"get": query_names(OpenFilterSerializer, PAGES)}

    @extend_schema(
        operation_id="plans_list",
        tags=["improvement"],
        summary="Improvement plans (绩效改进计划), newest first",
        description=(
            "Each plan with its outcome and end date; `open=true` gives only the open ones. HR "
            "and the director see all plans; a department head their department's (never their "
            "own); an employee their own. Anyone else gets 403."
        ),
        parameters=[OpenFilterSerializer, *PAGES.parameters()],
        responses={200: PlanPageSerializer, **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        roles = caller_roles(request)
        require(roles.sees_reviews)
        open_only = bool(parse_query(OpenFilterSerializer, request).get("open"))
        query = {"open": open_only}
        rows = selectors.plan_list(
            viewer_roles=roles, open_only=open_only, before_id=_position(request, query)
        )
        return _page(request, rows, PlanSerializer, query)

    @extend_schema(
        operation_id="plans_create",
        tags=["improvement"],
        summary="Start an improvement plan from a warned review (HR)",
        description=(
            "With one to ten measurable goals (a target as text, or a figure with its unit, and "
            "a due date within the plan). A review without a verbal warning is 409 "
            "`not_warned`; an employee has one open plan at a time (409 `plan_open`)."
        ),
        request=PlanInSerializer,
        responses={201: PlanDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        roles = caller_roles(request)
        workflow.require(Action.CREATE_PLAN, roles)
        data = parse_body(PlanInSerializer, request)
        review = found(selectors.review_for_action(viewer_roles=roles, review_id=data["review"]))
        plan = services.plan_create(
            actor=request.user,
            review=review,
            starts_on=data.get("starts_on"),
            ends_on=data["ends_on"],
            goals=[services.GoalInput(**goal) for goal in data["goals"]],
        )
        return Response(_plan_body(roles, plan.pk), status=201)


class PlanDetailApi(JsonApi):
    @extend_schema(
        operation_id="plans_read",
        tags=["improvement"],
        summary="One improvement plan: goals, check-ins, outcome, the next quarter's review",
        description=(
            "With the next quarter's review of the employee when it exists and the caller sees "
            "its result. 404 for a plan the caller may not see."
        ),
        responses={200: PlanDetailSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(_plan_body(caller_roles(request), plan_id))


class PlanCheckInApi(JsonApi):
    @extend_schema(
        operation_id="plans_check_in",
        tags=["improvement"],
        summary="Record a check-in of an open plan (HR or the department's head)",
        description=(
            "Progress per goal or overall, and a note. A closed plan is 409 `plan_closed`; a "
            "goal id not of this plan is 400."
        ),
        request=CheckInInSerializer,
        responses={201: PlanDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_id: int) -> Response:
        roles = caller_roles(request)
        plan = found(selectors.plan_get(viewer_roles=roles, plan_id=plan_id))
        workflow.require(Action.CHECK_IN, roles)
        data = parse_body(CheckInInSerializer, request)
        progress = {}
        for key, words in data["progress"].items():
            key = str(key)
            valid = key.isascii() and key.isdigit() and len(key) <= 18
            progress[int(key) if valid and int(key) > 0 else -1] = words
        services.plan_check_in(
            actor=request.user,
            plan=plan,
            held_on=data["held_on"],
            overall=data["overall"],
            note=data["note"],
            progress=progress,
        )
        return Response(_plan_body(roles, plan.pk), status=201)


class PlanJudgeApi(JsonApi):
    @extend_schema(
        operation_id="plans_judge",
        tags=["improvement"],
        summary="Judge a plan's outcome (HR)",
        description=(
            "passed or failed closes it; extended keeps it open until a later `ends_on`. A "
            "closed plan is 409 `plan_closed`."
        ),
        request=JudgeInSerializer,
        responses={200: PlanDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, plan_id: int) -> Response:
        roles = caller_roles(request)
        plan = found(selectors.plan_get(viewer_roles=roles, plan_id=plan_id))
        workflow.require(Action.JUDGE_PLAN, roles)
        data = parse_body(JudgeInSerializer, request)
        services.plan_judge(
            actor=request.user,
            plan=plan,
            outcome=data["outcome"],
            reason=data["reason"],
            ends_on=data.get("ends_on"),
        )
        return Response(_plan_body(roles, plan.pk))


# -- written warnings ---------------------------------------------------------------------------


class WrittenWarningListApi(JsonApi):
    query = {"get": query_names(AcknowledgedFilterSerializer, PAGES)}

    @extend_schema(
        operation_id="written_warnings_list",
        tags=["improvement"],
        summary="Written warnings (书面警告), newest first",
        description=(
            "Made when an employee's verbal warnings within the quarter policy's window reach "
            "its count. HR and the director see all; a department head their department's; "
            "anyone else gets 403."
        ),
        parameters=[AcknowledgedFilterSerializer, *PAGES.parameters()],
        responses={200: WrittenWarningPageSerializer, **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        roles = caller_roles(request)
        require(roles.sees_warnings)
        acknowledged = parse_query(AcknowledgedFilterSerializer, request).get("acknowledged")
        query = {"acknowledged": acknowledged}
        rows = selectors.written_warning_list(
            viewer_roles=roles, acknowledged=acknowledged, before_id=_position(request, query)
        )
        return _page(request, rows, WrittenWarningSerializer, query)


class WrittenWarningAcknowledgeApi(JsonApi):
    @extend_schema(
        operation_id="written_warnings_acknowledge",
        tags=["improvement"],
        summary="Record that HR has seen a written warning (HR)",
        description="Once: a second time is 409 `already_acknowledged`.",
        request=None,
        responses={200: WrittenWarningSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, written_warning_id: int) -> Response:
        roles = caller_roles(request)
        written = found(
            selectors.written_warning_get(viewer_roles=roles, written_warning_id=written_warning_id)
        )
        services.written_warning_acknowledge(actor=request.user, written_warning=written)
        fresh = selectors.written_warning_get(viewer_roles=roles, written_warning_id=written.pk)
        return Response(WrittenWarningSerializer(fresh).data)
