from django.urls import path

from departments import views

app_name = "departments"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
]
