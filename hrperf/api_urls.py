"""The REST API, version 1 (mounted at /api/v1/). Objects are addressed by their natural keys
where they have one: a department by its code, an employee by number, a quarter by period."""

from django.urls import include, path

from departments import api as departments_api
from kpis import api as kpis_api
from reviews.api import (
    actions,
    bulk,
    calibration,
    cycles,
    figures_file,
    grid,
    insight,
    todos,
    warnings,
)
from reviews.api import reviews as review_reads

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
    path("cycles/", cycles.CycleListApi.as_view(), name="cycles"),
    path("cycles/<str:period>/", cycles.CycleDetailApi.as_view(), name="cycle"),
    path("cycles/<str:period>/policy", cycles.CyclePolicyApi.as_view(), name="cycle-policy"),
    path(
        "cycles/<str:period>/generate",
        cycles.CycleGenerateApi.as_view(),
        name="cycle-generate",
    ),
    path("cycles/<str:period>/rescore", cycles.CycleRescoreApi.as_view(), name="cycle-rescore"),
    path("cycles/<str:period>/submit", bulk.CycleSubmitApi.as_view(), name="cycle-submit"),
    path("cycles/<str:period>/approve", bulk.CycleApproveApi.as_view(), name="cycle-approve"),
    path("cycles/<str:period>/figures", bulk.CycleFiguresApi.as_view(), name="cycle-figures"),
    path(
        "cycles/<str:period>/figures.<str:file_format>",
        figures_file.CycleFiguresTemplateApi.as_view(),
        name="cycle-figures-template",
    ),
    path(
        "cycles/<str:period>/figures/import",
        figures_file.CycleFiguresImportApi.as_view(),
        name="cycle-figures-import",
    ),
    path(
        "cycles/<str:period>/calibration",
        calibration.CalibrationApi.as_view(),
        name="cycle-calibration",
    ),
    path(
        "cycles/<str:period>/calibration/locks",
        calibration.CalibrationLocksApi.as_view(),
        name="cycle-calibration-locks",
    ),
    path("cycles/<str:period>/close", cycles.CycleCloseApi.as_view(), name="cycle-close"),
    path("cycles/<str:period>/reopen", cycles.CycleReopenApi.as_view(), name="cycle-reopen"),
    path(
        "cycles/<str:period>/jobs/<int:job_id>/",
        cycles.CycleJobApi.as_view(),
        name="cycle-job",
    ),
    path(
        "cycles/<str:period>/leniency",
        insight.CycleLeniencyApi.as_view(),
        name="cycle-leniency",
    ),
    path(
        "cycles/<str:period>/nine-box",
        insight.CycleNineBoxApi.as_view(),
        name="cycle-nine-box",
    ),
    path(
        "cycles/<str:period>/reviews/",
        review_reads.CycleReviewListApi.as_view(),
        name="cycle-reviews",
    ),
    path(
        "cycles/<str:period>/ratings/<str:assessor_role>",
        grid.CycleRatingsApi.as_view(),
        name="cycle-ratings",
    ),
    # reviews
    path("reviews/approve", actions.ReviewsApproveApi.as_view(), name="reviews-approve"),
    path("reviews/<int:review_id>/", review_reads.ReviewDetailApi.as_view(), name="review"),
    path(
        "reviews/<int:review_id>/figures",
        actions.ReviewFiguresApi.as_view(),
        name="review-figures",
    ),
    path(
        "reviews/<int:review_id>/ratings/<str:assessor_role>",
        actions.ReviewRatingsApi.as_view(),
        name="review-ratings",
    ),
    path(
        "reviews/<int:review_id>/submit",
        actions.ReviewSubmitApi.as_view(),
        name="review-submit",
    ),
    path(
        "reviews/<int:review_id>/return",
        actions.ReviewReturnApi.as_view(),
        name="review-return",
    ),
    path(
        "reviews/<int:review_id>/approve",
        actions.ReviewApproveApi.as_view(),
        name="review-approve",
    ),
    path(
        "reviews/<int:review_id>/reopen",
        actions.ReviewReopenApi.as_view(),
        name="review-reopen",
    ),
    # verbal warnings
    path("warnings/", warnings.WarningListApi.as_view(), name="warnings"),
    path(
        "warnings/<int:warning_id>/acknowledge",
        warnings.WarningAcknowledgeApi.as_view(),
        name="warning-acknowledge",
    ),
    # to-dos
    path("todos", todos.TodoListApi.as_view(), name="todos"),
    path("todos/overdue", todos.OverdueListApi.as_view(), name="todos-overdue"),
    # payroll
    path("payroll/", include("payroll.api")),
    # the employee's side of the quarter
    path("", include("calendars.api_urls")),
    path("", include("evidence.api_urls")),
    path("", include("selfassessments.api_urls")),
    path("", include("appeals.api_urls")),
    path("", include("improvement.api_urls")),
    path("", include("printouts.api_urls")),
    path("", include("notifications.api")),
]
