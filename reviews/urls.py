from reviews.pages import (
    calibration,
    dashboard,
    leniency,
    ninebox,
    quarter,
    queue,
    reports,
    review,
    review_list,
    warnings,
)

app_name = "reviews"

urlpatterns = [
    *dashboard.urlpatterns,
    *quarter.urlpatterns,
    *review_list.urlpatterns,
    *review.urlpatterns,
    *queue.urlpatterns,
    *warnings.urlpatterns,
    *reports.urlpatterns,
    *calibration.urlpatterns,
    *leniency.urlpatterns,
    *ninebox.urlpatterns,
]
