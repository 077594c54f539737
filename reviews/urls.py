from reviews.pages import (
    calibration,
    dashboard,
    grid,
    leniency,
    ninebox,
    quarter,
    queue,
    reports,
    review,
    review_list,
    todos,
    warnings,
)

app_name = "reviews"

urlpatterns = [
    *dashboard.urlpatterns,
    *quarter.urlpatterns,
    *review_list.urlpatterns,
    *review.urlpatterns,
    *grid.urlpatterns,
    *queue.urlpatterns,
    *warnings.urlpatterns,
    *reports.urlpatterns,
    *calibration.urlpatterns,
    *leniency.urlpatterns,
    *ninebox.urlpatterns,
    *todos.urlpatterns,
]
