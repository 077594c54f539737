from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [
    path("kpis/", views.kpi_library, name="library"),
]
