"""Admin views of the calendar and the deadlines: for looking. Changes go through the pages and
the API, whose services check the rules (a holiday on a weekday, deadlines in order) and write
the quarter's history."""

from django.contrib import admin

from calendars.models import CalendarDay, QuarterDeadlines
from reviews.admin import ReadOnlyAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "name", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "day"
    list_select_related = ["created_by"]


@admin.register(QuarterDeadlines)
class QuarterDeadlinesAdmin(ReadOnlyAdmin):
    list_display = [
        "cycle",
        "self_assessment_due",
        "rating_due",
        "approval_due",
        "appeal_working_days",
        "answer_working_days",
        "updated_by",
        "updated_at",
    ]
    list_select_related = ["cycle", "updated_by"]
