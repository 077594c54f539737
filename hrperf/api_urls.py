"""The REST API, version 1 (mounted at /api/v1/). Objects are addressed by their natural keys
where they have one: a department by its code, an employee by number, a quarter by period."""

from django.urls import include, path

from departments import api as departments_api
from kpis import api as kpis_api
from reviews import api as reviews_api

app_name = "api-v1"

urlpatterns = [
    # catalogue
    path("departments/", departments_api.DepartmentListApi.as_view(), name="departments"),
    path(
        "departments/<str:code>/",
        departments_api.DepartmentDetailApi.as_view(),
        name="department",
    ),
    path("kpis/", kpis_api.KpiListApi.as_view(), name="kpis"),
    # roster
    path("employees/", departments_api.EmployeeListApi.as_view(), name="employees"),
    path("employees/import", departments_api.EmployeeImportApi.as_view(), name="employees-import"),
    path(
        "employees/<str:employee_no>/",
        departments_api.EmployeeDetailApi.as_view(),
        name="employee",
    ),
    # quarters
    path("cycles/", reviews_api.CycleListApi.as_view(), name="cycles"),
    path("cycles/<str:period>/", reviews_api.CycleDetailApi.as_view(), name="cycle"),
    path("cycles/<str:period>/policy", reviews_api.CyclePolicyApi.as_view(), name="cycle-policy"),
    path(
        "cycles/<str:period>/generate",
        reviews_api.CycleGenerateApi.as_view(),
        name="cycle-generate",
    ),
    path(
        "cycles/<str:period>/rescore", reviews_api.CycleRescoreApi.as_view(), name="cycle-rescore"
    ),
    path(
        "cycles/<str:period>/jobs/<int:job_id>/",
        reviews_api.CycleJobApi.as_view(),
        name="cycle-job",
    ),
    path(
        "cycles/<str:period>/reviews/",
        reviews_api.CycleReviewListApi.as_view(),
        name="cycle-reviews",
    ),
    # reviews
    path("reviews/approve", reviews_api.ReviewsApproveApi.as_view(), name="reviews-approve"),
    path("reviews/<int:review_id>/", reviews_api.ReviewDetailApi.as_view(), name="review"),
    path(
        "reviews/<int:review_id>/figures",
        reviews_api.ReviewFiguresApi.as_view(),
        name="review-figures",
    ),
    path(
        "reviews/<int:review_id>/ratings/<str:assessor_role>",
        reviews_api.ReviewRatingsApi.as_view(),
        name="review-ratings",
    ),
    path(
        "reviews/<int:review_id>/submit",
        reviews_api.ReviewSubmitApi.as_view(),
        name="review-submit",
    ),
    path(
        "reviews/<int:review_id>/return",
        reviews_api.ReviewReturnApi.as_view(),
        name="review-return",
    ),
    path(
        "reviews/<int:review_id>/approve",
        reviews_api.ReviewApproveApi.as_view(),
        name="review-approve",
    ),
    path(
        "reviews/<int:review_id>/reopen",
        reviews_api.ReviewReopenApi.as_view(),
        name="review-reopen",
    ),
    # verbal warnings
    path("warnings/", reviews_api.WarningListApi.as_view(), name="warnings"),
    path(
        "warnings/<int:warning_id>/acknowledge",
        reviews_api.WarningAcknowledgeApi.as_view(),
        name="warning-acknowledge",
    ),
    # payroll
    path("payroll/", include("payroll.api")),
]
