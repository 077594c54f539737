"""The API of improvement, mounted under /api/v1/ in the `api-v1` namespace."""

from django.urls import path

from improvement import api

urlpatterns = [
    path("conversations/", api.ConversationListApi.as_view(), name="conversation-list"),
    path(
        "conversations/<int:conversation_id>/",
        api.ConversationDetailApi.as_view(),
        name="conversation-detail",
    ),
    path(
        "conversations/<int:conversation_id>/acknowledge",
        api.ConversationAcknowledgeApi.as_view(),
        name="conversation-acknowledge",
    ),
    path("plans/", api.PlanListApi.as_view(), name="plan-list"),
    path("plans/<int:plan_id>/", api.PlanDetailApi.as_view(), name="plan-detail"),
    path("plans/<int:plan_id>/check-ins", api.PlanCheckInApi.as_view(), name="plan-check-in"),
    path("plans/<int:plan_id>/judge", api.PlanJudgeApi.as_view(), name="plan-judge"),
    path(
        "written-warnings/",
        api.WrittenWarningListApi.as_view(),
        name="written-warning-list",
    ),
    path(
        "written-warnings/<int:written_warning_id>/acknowledge",
        api.WrittenWarningAcknowledgeApi.as_view(),
        name="written-warning-acknowledge",
    ),
]
