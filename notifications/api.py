"""The API of notifications: each caller's own preference; HR's robots (list, add, test) and
the delivery log."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from hrperf.api.fields import StrictBooleanField, StrictCharField, StrictIntegerField
from hrperf.api.pagination import KeysetPagination
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, found, parse_body, parse_query, query_names
from hrperf.api.views import require as require_allowed
from notifications import selectors
from notifications.models import Delivery, Preference, Robot
from notifications.robots import Platform
from notifications.services.preferences import preference_save
from notifications.services.robots import robot_create, robot_test

TIME_HELP = "A time of day, HH:MM (China time); null: no quiet hours."


class PreferenceSerializer(serializers.Serializer):
    email = serializers.BooleanField(help_text="Told by email (at the login's address).")
    robot = serializers.BooleanField(help_text="Told through a personal robot HR set up.")
    mode = serializers.ChoiceField(
        choices=Preference.Mode.choices,
        help_text="immediate: each message as it comes; digest: one message a day.",
    )
    quiet_from = serializers.TimeField(allow_null=True, format="%H:%M", help_text=TIME_HELP)
    quiet_until = serializers.TimeField(allow_null=True, format="%H:%M", help_text=TIME_HELP)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text="The language of the messages."
    )


class PreferenceInputSerializer(serializers.Serializer):
    email = StrictBooleanField()
    robot = StrictBooleanField()
    mode = serializers.ChoiceField(choices=Preference.Mode.choices)
    quiet_from = serializers.TimeField(
        allow_null=True, input_formats=["%H:%M"], help_text=TIME_HELP
    )
    quiet_until = serializers.TimeField(
        allow_null=True, input_formats=["%H:%M"], help_text=TIME_HELP
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES)


class PreferenceApi(JsonApi):
    @extend_schema(
        operation_id="notifications_preference_retrieve",
        tags=["notifications"],
        summary="How I am told",
        description="The caller's own choice (the default when never set: email, at once).",
        responses={200: PreferenceSerializer, **error_responses()},
    )
    def get(self, request: Request) -> Response:
        return Response(PreferenceSerializer(selectors.preference_of(request.user)).data)

    @extend_schema(
        operation_id="notifications_preference_update",
        tags=["notifications"],
        summary="Choose how I am told",
        description=(
            "Replaces the caller's choice. Quiet hours are both given or both null, and end at "
            "another time than they start (they may run past midnight). `robot` needs a "
            "personal robot HR set up for the caller."
        ),
        request=PreferenceInputSerializer,
        responses={200: PreferenceSerializer, **error_responses(400)},
    )
    def put(self, request: Request) -> Response:
        data = parse_body(PreferenceInputSerializer, request)
        has_robot = bool(selectors.personal_robots(request.user))
        preference = preference_save(
            user=request.user, **{**data, "robot": data["robot"] and has_robot}
        )
        return Response(PreferenceSerializer(preference).data)


class RobotSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES, read_only=True)

    class Meta:
        model = Robot
        fields = [
            "id",
            "name",
            "platform",
            "audience",
            "person",
            "language",
            "active",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "person": {"help_text": "The login id of a personal robot's person; else null."},
            "audience": {"help_text": "hr, director (a group's chat) or person."},
        }


class RobotInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    platform = serializers.ChoiceField(choices=Platform.choices)
    url = StrictCharField(
        max_length=500, help_text="The robot's webhook address, as the platform gives it."
    )
    secret = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Feishu's or DingTalk's signing secret; none for WeCom. Never returned.",
    )
    audience = serializers.ChoiceField(choices=Robot.Audience.choices)
    person = StrictIntegerField(
        required=False, allow_null=True, min_value=1, help_text="For a personal robot."
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class RobotsApi(JsonApi):
    @extend_schema(
        operation_id="notifications_robots_list",
        tags=["notifications"],
        summary="Chat robots (HR)",
        description="Every robot, active first. The secret and the address are not shown.",
        responses={200: RobotSerializer(many=True), **error_responses(403)},
    )
    def get(self, request: Request) -> Response:
        require_allowed(caller_roles(request).is_hr)
        return Response(RobotSerializer(selectors.robots(), many=True).data)

    @extend_schema(
        operation_id="notifications_robots_create",
        tags=["notifications"],
        summary="Add a chat robot (HR)",
        description=(
            "The address must be the platform's documented robot address (Feishu "
            "open.feishu.cn/open-apis/bot/v2/hook/…, DingTalk oapi.dingtalk.com/robot/send?"
            "access_token=…, WeCom qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) and reach a "
            "public address; each refusal names its field."
        ),
        request=RobotInputSerializer,
        responses={201: RobotSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        require_allowed(caller_roles(request).is_hr)
        data = parse_body(RobotInputSerializer, request)
        robot = robot_create(
            actor=request.user,
            name=data["name"],
            platform=data["platform"],
            url=data["url"],
            secret=data.get("secret", ""),
            audience=data["audience"],
            person_id=data.get("person"),
            language=data.get("language", ""),
        )
        return Response(RobotSerializer(robot).data, status=status.HTTP_201_CREATED)


class DeliverySerializer(serializers.ModelSerializer):
    platform = serializers.CharField(source="robot.platform", allow_null=True, default=None)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "kind",
            "channel",
            "platform",
            "user",
            "robot",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "created_at",
        ]
        read_only_fields = fields


class RobotTestApi(JsonApi):
    @extend_schema(
        operation_id="notifications_robots_test",
        tags=["notifications"],
        summary="Send a robot a test message (HR)",
        description=(
            "Sent at once (at most a few seconds); the answer is the delivery, `sent` or "
            "`failed` with the platform's error, kept in the delivery log."
        ),
        request=None,
        responses={200: DeliverySerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, robot_id: int) -> Response:
        require_allowed(caller_roles(request).is_hr)
        robot = found(selectors.robot_get(robot_id))
        return Response(DeliverySerializer(robot_test(actor=request.user, robot=robot)).data)


class DeliveryPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    results = DeliverySerializer(many=True)


LOG = KeysetPagination(keys=(int,), default_size=100, max_size=500)


class DeliveryFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Delivery.Status.choices, required=False, allow_blank=True
    )
    route = serializers.ChoiceField(
        choices=["email", *Platform.values],
        required=False,
        allow_blank=True,
        help_text="email, or a robot platform (feishu, dingtalk, wecom).",
    )


class DeliveriesApi(JsonApi):
    query = {"get": query_names(DeliveryFilterSerializer, LOG)}

    @extend_schema(
        operation_id="notifications_deliveries_list",
        tags=["notifications"],
        summary="The delivery log (HR)",
        description="Every message sent or tried, newest first, page by page.",
        parameters=[DeliveryFilterSerializer, *LOG.parameters()],
        responses={200: DeliveryPageSerializer, **error_responses(400, 403)},
    )
    def get(self, request: Request) -> Response:
        require_allowed(caller_roles(request).is_hr)
        filters = parse_query(DeliveryFilterSerializer, request)
        size = LOG.page_size(request.query_params)
        query = {"status": filters.get("status"), "route": filters.get("route")}
        after = LOG.position(request.query_params, query=query)
        rows = selectors.delivery_log(
            status=filters.get("status", ""), route=filters.get("route", "")
        ).order_by("-pk")
        if after is not None:
            rows = rows.filter(pk__lt=after[0])
        page = LOG.page(
            request, list(rows[: size + 1]), size=size, query=query, key=lambda d: (d.pk,)
        )
        return Response(
            {"next": page.next, "results": DeliverySerializer(page.results, many=True).data}
        )


urlpatterns = [
    path("notifications/preference", PreferenceApi.as_view(), name="notification-preference"),
    path("notifications/robots", RobotsApi.as_view(), name="notification-robots"),
    path(
        "notifications/robots/<int:robot_id>/test",
        RobotTestApi.as_view(),
        name="notification-robot-test",
    ),
    path("notifications/deliveries", DeliveriesApi.as_view(), name="notification-deliveries"),
]
