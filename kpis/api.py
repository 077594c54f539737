"""REST API (v1): the KPIs of the catalogue, all or one department's, and the KPI as the
catalogue defines it (also part of a department's job description)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from departments import selectors
from hrperf.api.fields import BilingualField
from hrperf.api.schema import error_responses
from hrperf.api.views import JsonApi, caller_roles, parse_query, query_names, require
from hrperf.lib.errors import FieldError, ValidationFailed
from kpis.models import Kpi
from kpis.values import limits_of

# What a target or an actual figure may be (kpis.values.Limits), as the KPI and review line say.
MINIMUM_HELP = "The least a target or an actual figure of this KPI may be."
MAXIMUM_HELP = (
    "The most a target or an actual figure may be: 100 for a percentage that is a share of a "
    "whole or a score out of 100; null: no maximum but the limit of every figure (below 10^14)."
)
WHOLE_HELP = "Whether figures are whole numbers only (a count)."


class CatalogueKpiSerializer(serializers.ModelSerializer):
    """A KPI as the catalogue defines it (a review copies it into its own lines)."""

    name = BilingualField()
    definition = BilingualField()
    default_target = serializers.DecimalField(
        max_digits=18, decimal_places=4, allow_null=True, read_only=True
    )
    minimum = serializers.DecimalField(
        max_digits=18, decimal_places=4, read_only=True, help_text=MINIMUM_HELP
    )
    maximum = serializers.DecimalField(
        max_digits=18, decimal_places=4, allow_null=True, read_only=True, help_text=MAXIMUM_HELP
    )
    whole_numbers = serializers.SerializerMethodField(help_text=WHOLE_HELP)

    class Meta:
        model = Kpi
        fields = [
            "code",
            "order",
            "name",
            "direction",
            "unit",
            "default_target",
            "default_weight",
            "minimum",
            "maximum",
            "whole_numbers",
            "definition",
        ]
        read_only_fields = fields

    def get_whole_numbers(self, kpi: Kpi) -> bool:
        return limits_of(kpi).whole


class KpiFilterSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A department code, such as SALES.",
    )


class KpiSerializer(CatalogueKpiSerializer):
    department = serializers.SerializerMethodField()

    class Meta(CatalogueKpiSerializer.Meta):
        fields = ["department", *CatalogueKpiSerializer.Meta.fields]
        read_only_fields = fields

    def get_department(self, kpi: object) -> str:
        return str(self.context["department_codes"][kpi.department_id])  # type: ignore[attr-defined]


class KpiListApi(JsonApi):
    query = {"get": query_names(KpiFilterSerializer)}

    @extend_schema(
        operation_id="kpis_list",
        tags=["catalogue"],
        summary="The KPIs of the catalogue",
        description="In catalogue order: by department, then the department's own order.",
        parameters=[KpiFilterSerializer],
        responses={200: KpiSerializer(many=True), **error_responses(400, 403)},
    )
    def get(self, request: Request) -> Response:
        require(caller_roles(request).sees_catalogue)
        code = parse_query(KpiFilterSerializer, request).get("department")
        departments = list(selectors.department_list())
        if code:
            departments = [d for d in departments if d.code == code.strip().upper()]
            if not departments:
                raise ValidationFailed(
                    [FieldError(field="department", message=_("No department has this code."))]
                )
        kpis = [kpi for department in departments for kpi in department.catalogue_kpis]  # type: ignore[attr-defined]
        codes = {department.pk: department.code for department in departments}
        return Response(KpiSerializer(kpis, many=True, context={"department_codes": codes}).data)
