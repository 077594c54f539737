"""The pages of calendars: HR's working-day calendar and a quarter's deadlines."""

from django.urls import URLPattern, path

from calendars import views

app_name = "calendars"

urlpatterns: list[URLPattern] = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/add/", views.calendar_add, name="calendar_add"),
    path("calendar/paste/", views.calendar_paste, name="calendar_paste"),
    path("calendar/upload/", views.calendar_upload, name="calendar_upload"),
    path("calendar/<str:day>/remove/", views.calendar_remove, name="calendar_remove"),
    path("quarters/<str:period>/deadlines/", views.deadlines, name="deadlines"),
]
