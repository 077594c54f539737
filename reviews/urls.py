from reviews.pages import dashboard, quarter, queue, review

app_name = "reviews"

urlpatterns = [
    *dashboard.urlpatterns,
    *quarter.urlpatterns,
    *review.urlpatterns,
    *queue.urlpatterns,
]
