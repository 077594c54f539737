from reviews.pages import (
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
    *leniency.urlpatterns,
    *ninebox.urlpatterns,
]
