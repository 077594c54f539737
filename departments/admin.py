"""Django admin for the catalogue and the roster: HR staff edit every text, KPI and employee.

Staff users see what their model permissions allow (view, add, change, delete); the catalogue
file loaded by `load_catalogue` overwrites catalogue texts it lists, matched by code.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from departments.models import (
    Competency,
    Department,
    Duty,
    Employee,
    PolicyItem,
    QualificationItem,
)
from kpis.models import Kpi


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    fields = ["order", "text_zh", "text_en"]


class QualificationItemInline(admin.TabularInline):
    model = QualificationItem
    extra = 0
    fields = ["kind", "order", "text_zh", "text_en"]


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0
    fields = [
        "order",
        "code",
        "name_zh",
        "name_en",
        "direction",
        "unit",
        "default_target",
        "default_weight",
        "minimum",
        "maximum",
        "is_active",
    ]
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["seq", "code", "name_zh", "name_en", "head_position_zh", "source"]
    list_display_links = ["seq", "code"]
    list_filter = ["source"]
    search_fields = ["code", "name_zh", "name_en", "head_position_zh", "head_position_en"]
    ordering = ["seq"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["seq", "code", "source", "updated_at"]}),
        (_("Names"), {"fields": ["name_zh", "name_en", "head_position_zh", "head_position_en"]}),
        (
            _("Qualifications of the head"),
            {
                "fields": [
                    "education_zh",
                    "education_en",
                    "experience_years",
                    "experience_zh",
                    "experience_en",
                ]
            },
        ),
    ]
    inlines = [DutyInline, QualificationItemInline, KpiInline]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["department", "order", "text_zh", "text_en"]
    list_filter = ["department"]
    search_fields = ["text_zh", "text_en", "department__code", "department__name_zh"]
    list_select_related = ["department"]
    ordering = ["department__seq", "order"]


@admin.register(QualificationItem)
class QualificationItemAdmin(admin.ModelAdmin):
    list_display = ["department", "kind", "order", "text_zh", "text_en"]
    list_filter = ["kind", "department"]
    search_fields = ["text_zh", "text_en", "department__code", "department__name_zh"]
    list_select_related = ["department"]
    ordering = ["department__seq", "kind", "order"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "text_zh", "text_en"]
    list_display_links = ["order", "code"]
    search_fields = ["code", "text_zh", "text_en"]
    ordering = ["order"]


@admin.register(PolicyItem)
class PolicyItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "order", "code", "text_zh", "text_en"]
    list_display_links = ["kind", "order"]
    list_filter = ["kind"]
    search_fields = ["code", "text_zh", "text_en"]
    ordering = ["kind", "order"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = [
        "employee_no",
        "name",
        "department",
        "position",
        "is_department_head",
        "is_active",
        "user",
    ]
    list_display_links = ["employee_no", "name"]
    list_filter = ["department", "is_active", "is_department_head"]
    search_fields = ["employee_no", "name"]
    list_select_related = ["department", "user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["employee_no"]
