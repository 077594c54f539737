"""The API of selfassessments, mounted under /api/v1/ in the `api-v1` namespace."""

from django.urls import URLPattern, path

from selfassessments import api

urlpatterns: list[URLPattern] = [
    path(
        "reviews/<int:review_id>/self-assessment",
        api.SelfAssessmentApi.as_view(),
        name="self-assessment",
    ),
    path(
        "reviews/<int:review_id>/self-assessment/submit",
        api.SelfAssessmentSubmitApi.as_view(),
        name="self-assessment-submit",
    ),
    path(
        "reviews/<int:review_id>/self-assessment/evidence",
        api.SelfAssessmentEvidenceApi.as_view(),
        name="self-assessment-evidence",
    ),
    path(
        "reviews/<int:review_id>/self-assessment/evidence/<int:evidence_id>",
        api.SelfAssessmentEvidenceItemApi.as_view(),
        name="self-assessment-evidence-item",
    ),
]
