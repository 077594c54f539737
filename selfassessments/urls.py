"""The pages of selfassessments: the employee's open self-assessments and one of them."""

from django.urls import URLPattern, path

from selfassessments import views

app_name = "selfassessments"

urlpatterns: list[URLPattern] = [
    path("self-assessment/", views.self_assessment_list, name="list"),
    path("self-assessment/<int:review_id>/", views.self_assessment_edit, name="edit"),
    path(
        "self-assessment/<int:review_id>/evidence/",
        views.self_assessment_upload,
        name="upload",
    ),
]
