"""The pages of improvement."""

from django.urls import path

from improvement import views

app_name = "improvement"

urlpatterns = [
    path(
        "conversations/new/<int:review_id>/",
        views.conversation_new,
        name="conversation_new",
    ),
    path("conversations/<int:conversation_id>/", views.conversation, name="conversation"),
    path(
        "conversations/<int:conversation_id>/acknowledge/",
        views.conversation_acknowledge,
        name="conversation_acknowledge",
    ),
    path("plans/", views.plans, name="plans"),
    path("plans/new/<int:review_id>/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/check-ins/", views.plan_check_in, name="plan_check_in"),
    path("plans/<int:plan_id>/judge/", views.plan_judge, name="plan_judge"),
    path("my/improvement/", views.mine, name="mine"),
    path(
        "written-warnings/<int:written_warning_id>/acknowledge/",
        views.written_warning_acknowledge,
        name="written_warning_acknowledge",
    ),
]
