"""Reads of quarters, reviews and their warnings, each limited to what the viewer may see
(`visibility`), each a fixed number of queries however many rows it gives. Selectors never
write and never import the services.

    visibility   who sees which review
    cycles       quarters, their jobs, their figures template's lines
    reviews      a quarter's reviews: the list, its filters, one review
    grid         the rating grid: one assessor's rows, the competencies' levels
    detail       one review as its page shows it: lines, ratings, calculation, history
    warnings     verbal warnings
    aggregates   grades, averages, the latest approved results
    dashboard    a quarter at a glance, what waits for the viewer
    reports      the reports across quarters, from what was approved
    bulk         the sets a bulk action acts on (submit all, approve all), counted
    todos        everything one person must do now (待办), from every app (`todos_of`)
    overdue      overdue work across the division, by department and kind
"""

from reviews.selectors.bulk import Batch, approvable, fingerprint_of, submittable
from reviews.selectors.cycles import (
    CloseBlockers,
    CycleDetail,
    cycle_close_blockers,
    cycle_detail,
    cycle_details,
    cycle_figure_lines,
    cycle_figure_rows,
    cycle_get,
    cycle_history,
    cycle_kpi_choices,
    cycle_latest_job,
    cycles_newest_first,
    job_get,
)
from reviews.selectors.detail import (
    ASSESSOR_GAP_LIMIT,
    AssessorDetail,
    LineDetail,
    RatingDetail,
    Reason,
    ReviewDetail,
    assessor_gap,
    review_detail,
    review_missing,
)
from reviews.selectors.reviews import (
    NEEDS,
    review_get,
    review_line_ids,
    review_list,
    review_list_search,
    reviews_by_ids,
    reviews_needing,
)
from reviews.selectors.visibility import visible_reviews
from reviews.selectors.warnings import warning_get, warning_list

__all__ = [
    "ASSESSOR_GAP_LIMIT",
    "NEEDS",
    "AssessorDetail",
    "Batch",
    "CloseBlockers",
    "CycleDetail",
    "LineDetail",
    "RatingDetail",
    "Reason",
    "ReviewDetail",
    "approvable",
    "assessor_gap",
    "cycle_close_blockers",
    "cycle_detail",
    "cycle_details",
    "cycle_figure_lines",
    "cycle_figure_rows",
    "cycle_get",
    "cycle_history",
    "cycle_kpi_choices",
    "cycle_latest_job",
    "cycles_newest_first",
    "fingerprint_of",
    "job_get",
    "review_detail",
    "review_get",
    "review_line_ids",
    "review_list",
    "review_list_search",
    "review_missing",
    "reviews_by_ids",
    "reviews_needing",
    "submittable",
    "visible_reviews",
    "warning_get",
    "warning_list",
]
