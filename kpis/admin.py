"""Django admin for the KPI catalogue."""

from django.contrib import admin

from kpis.forms import KpiAdminForm
from kpis.models import Kpi


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    form = KpiAdminForm
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "department",
        "direction",
        "unit",
        "default_target",
        "default_weight",
        "maximum",
        "is_active",
    ]
    list_display_links = ["code", "name_zh"]
    list_filter = ["department", "direction", "unit", "is_active"]
    search_fields = ["code", "name_zh", "name_en", "department__code", "department__name_zh"]
    list_select_related = ["department"]
    readonly_fields = ["updated_at"]
    ordering = ["department__seq", "order"]
