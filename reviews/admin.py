"""Admin views of reviews: for looking, not for changing figures. Every change of a review goes
through the services (pages and API), which check roles and write the audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reviews.models import (
    ApprovedResult,
    AuditEvent,
    CompetencyRating,
    CycleJob,
    Review,
    ReviewCycle,
    ReviewKpiLine,
    ScoringPolicy,
    VerbalWarning,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown, never edited: every field is read-only (so a field that no form may edit,
    such as an automatic time, may be listed too)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields or [field.name for field in self.model._meta.fields])

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PolicyInline(ReadOnlyInline):
    model = ScoringPolicy


@admin.register(ReviewCycle)
class ReviewCycleAdmin(ReadOnlyAdmin):
    list_display = ["period", "status", "starts_on", "ends_on", "created_at"]
    list_filter = ["status"]
    inlines = [PolicyInline]


class LineInline(ReadOnlyInline):
    model = ReviewKpiLine
    fields = ["order", "code", "name_zh", "direction", "unit", "target", "actual", "weight"]


class RatingInline(ReadOnlyInline):
    model = CompetencyRating
    fields = ["assessor_role", "competency", "value", "rated_by", "comment", "rated_at"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = [
        "cycle",
        "employee",
        "department",
        "state",
        "version",
        "total_score",
        "grade",
        "pay_coefficient",
        "verbal_warning",
    ]
    list_filter = ["cycle", "state", "grade", "verbal_warning", "department"]
    search_fields = ["employee__employee_no", "employee__name"]
    list_select_related = ["cycle", "employee", "department"]
    inlines = [LineInline, RatingInline]


@admin.register(ApprovedResult)
class ApprovedResultAdmin(ReadOnlyAdmin):
    list_display = ["review", "version", "total_score", "grade", "pay_coefficient", "approved_at"]
    list_select_related = ["review"]


@admin.register(VerbalWarning)
class VerbalWarningAdmin(ReadOnlyAdmin):
    list_display = ["review", "review_version", "total_score", "created_at", "acknowledged_at"]
    list_select_related = ["review"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "cycle", "review", "actor", "action", "field", "from_value", "to_value"]
    list_filter = ["action"]
    list_select_related = ["cycle", "review", "actor"]


@admin.register(CycleJob)
class CycleJobAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "kind", "status", "done", "total", "created_at", "finished_at"]
