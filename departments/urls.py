from django.urls import path

from departments import views
from departments.pages import levels

app_name = "departments"

urlpatterns = [
    *levels.urlpatterns,
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<str:code>/", views.department, name="department"),
    path("roster/", views.roster, name="roster"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("roster/import/errors.csv", views.roster_import_errors, name="roster_import_errors"),
    path("roster/template/", views.roster_template, name="roster_template"),
]
