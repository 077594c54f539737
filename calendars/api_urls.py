"""The API of calendars, mounted under /api/v1/ in the `api-v1` namespace."""

from django.urls import URLPattern, path

from calendars import api

urlpatterns: list[URLPattern] = [
    path("cycles/<str:period>/deadlines", api.DeadlinesApi.as_view(), name="calendar-deadlines"),
    path("calendar/days", api.CalendarDaysApi.as_view(), name="calendar-days"),
    path("calendar/days/<str:day>", api.CalendarDayApi.as_view(), name="calendar-day"),
]
