"""REST API (v1) of the catalogue and the roster.

The views parse the request, call a selector or a service, and render; who may see what comes
from `hrperf.lib.roles`, as on the pages. A caller whose role does not give access to a list or an
action gets 403; an object the caller may not see is answered 404, whether it exists or not.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from departments import selectors, services
from departments.models import Department, Employee, Provenance
from hrperf.api.fields import (
    STRICT_FIELD_MAPPING,
    BilingualField,
    BilingualTextSerializer,
)
from hrperf.api.pagination import KeysetPagination
from hrperf.api.parsers import MultiPartParser
from hrperf.api.schema import error_responses
from hrperf.api.views import (
    Api,
    JsonApi,
    caller_roles,
    found,
    parse_body,
    parse_query,
    query_names,
    require,
)
from hrperf.lib.errors import FieldError, NotAllowed, ValidationFailed
from hrperf.lib.roles import Roles
from hrperf.lib.tables import ImportRejected
from kpis.api import CatalogueKpiSerializer
from reviews.policies import warning_threshold

SEARCH_MAX_LENGTH = 100

# -- catalogue -------------------------------------------------------------------------------


class DepartmentFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SEARCH_MAX_LENGTH,
        help_text="Matches the code, the names, the head position, the duties and the KPIs.",
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Provenance.choices, required=False, allow_blank=True
    )


class DepartmentSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    seq = serializers.IntegerField()
    name = BilingualField()
    head_position = BilingualField()
    source = serializers.CharField()  # type: ignore[assignment]
    duty_count = serializers.IntegerField()
    kpi_count = serializers.SerializerMethodField()

    def get_kpi_count(self, department: Department) -> int:
        return len(getattr(department, "catalogue_kpis", []))


class TextItemSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    text = BilingualField()


class CodedTextItemSerializer(TextItemSerializer):
    code = serializers.CharField()


class QualificationsSerializer(serializers.Serializer):
    education = BilingualField()
    experience_years = serializers.IntegerField(allow_null=True)
    experience = BilingualField()
    majors = TextItemSerializer(many=True)
    abilities = TextItemSerializer(many=True)


class AssessmentPolicySerializer(serializers.Serializer):
    frequency = CodedTextItemSerializer(many=True)
    assessors = CodedTextItemSerializer(many=True)
    result_uses = CodedTextItemSerializer(many=True)


class DepartmentDetailSerializer(serializers.Serializer):
    code = serializers.CharField(source="department.code")
    seq = serializers.IntegerField(source="department.seq")
    name = serializers.SerializerMethodField()
    head_position = serializers.SerializerMethodField()
    source = serializers.CharField(source="department.source")  # type: ignore[assignment]
    duties = TextItemSerializer(many=True)
    kpis = CatalogueKpiSerializer(many=True)
    qualifications = serializers.SerializerMethodField()
    competencies = CodedTextItemSerializer(many=True)
    policy = serializers.SerializerMethodField()

    @extend_schema_field(BilingualTextSerializer)
    def get_name(self, detail: selectors.DepartmentDetail) -> dict[str, str]:
        return {"zh": detail.department.name_zh, "en": detail.department.name_en}

    @extend_schema_field(BilingualTextSerializer)
    def get_head_position(self, detail: selectors.DepartmentDetail) -> dict[str, str]:
        department = detail.department
        return {"zh": department.head_position_zh, "en": department.head_position_en}

    @extend_schema_field(QualificationsSerializer)
    def get_qualifications(self, detail: selectors.DepartmentDetail) -> Any:
        department = detail.department
        return QualificationsSerializer(
            {
                "education_zh": department.education_zh,
                "education_en": department.education_en,
                "experience_years": department.experience_years,
                "experience_zh": department.experience_zh,
                "experience_en": department.experience_en,
                "majors": detail.majors,
                "abilities": detail.abilities,
            }
        ).data

    @extend_schema_field(AssessmentPolicySerializer)
    def get_policy(self, detail: selectors.DepartmentDetail) -> Any:
        return AssessmentPolicySerializer(detail).data


class DepartmentListApi(JsonApi):
    query = {"get": query_names(DepartmentFilterSerializer)}

    @extend_schema(
        operation_id="departments_list",
        tags=["catalogue"],
        summary="The 30 departments of the catalogue",
        description=(
            "Each department's code, order, bilingual name and head position, in catalogue "
            "order; `q` searches codes, names, head positions, duties and KPIs, `source` keeps "
            "those of one provenance."
        ),
        parameters=[DepartmentFilterSerializer],
        responses={200: DepartmentSummarySerializer(many=True), **error_responses(400, 403)},
    )
    def get(self, request: Request) -> Response:
        require(caller_roles(request).sees_catalogue)
        filters = parse_query(DepartmentFilterSerializer, request)
        departments = selectors.department_list(
            query=filters.get("q", ""), source=filters.get("source", "")
        )
        return Response(DepartmentSummarySerializer(departments, many=True).data)


class DepartmentDetailApi(JsonApi):
    @extend_schema(
        operation_id="departments_retrieve",
        tags=["catalogue"],
        summary="A department's job description",
        description=(
            "Duties, KPIs, qualifications, the common competencies and the assessment policy; "
            'every catalogue text in both languages, as `{"zh": …, "en": …}`.'
        ),
        responses={200: DepartmentDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, code: str) -> Response:
        if not caller_roles(request).sees_catalogue:
            raise NotFound
        detail = found(
            selectors.department_detail(code=code, warning_threshold=warning_threshold())
        )
        return Response(DepartmentDetailSerializer(detail).data)


# -- roster ----------------------------------------------------------------------------------

EMPLOYEE_PAGES = KeysetPagination(keys=(str, int), default_size=200, max_size=1000)


class EmployeeFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SEARCH_MAX_LENGTH,
        help_text="Matches the employee number, the name or the position, ignoring case.",
    )
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A department code, such as SALES.",
    )
    active = serializers.BooleanField(required=False, allow_null=True)


class EmployeeSerializer(serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    department_name = serializers.SerializerMethodField()

    class Meta:
        model = Employee
        fields = [
            "employee_no",
            "name",
            "department",
            "department_name",
            "position",
            "hire_date",
            "is_active",
            "is_department_head",
        ]
        extra_kwargs = {
            # The service checks these (uniqueness ignoring case, allowed characters).
            "employee_no": {"validators": []},
            "is_active": {"default": True},
            "is_department_head": {"default": False},
        }

    @extend_schema_field(BilingualTextSerializer)
    def get_department_name(self, employee: Employee) -> dict[str, str]:
        return {"zh": employee.department.name_zh, "en": employee.department.name_en}


class EmployeePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = EmployeeSerializer(many=True)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The roster, as CSV or Excel (.xlsx).")


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


def department_id(code: str | None) -> int | None:
    """The id of the department with this code (any case), for a filter; None when no code is
    given; 400 naming the `department` parameter when none has it."""
    if not code:
        return None
    department = Department.objects.filter(code=code.strip().upper()).first()
    if department is None:
        raise ValidationFailed(
            [FieldError(field="department", message=_("No department has this code."))]
        )
    return department.pk


def _validation_failed(error: ValidationError) -> ValidationFailed:
    """A service's ValidationError (by model field) in the API's error shape."""
    problems = []
    for name, errors in error.error_dict.items() if hasattr(error, "error_dict") else ():
        # The one constraint across fields is the employee number's uniqueness (ignoring case).
        field = "employee_no" if name == NON_FIELD_ERRORS else name
        for item in errors:
            message = item.message % item.params if item.params else item.message
            problems.append(FieldError(field=field, message=message, code=item.code or "invalid"))
    if not problems:
        problems = [FieldError(field="employee", message=message) for message in error.messages]
    return ValidationFailed(problems)


def _roster_write(call: Any, **kwargs: Any) -> Employee:
    try:
        employee: Employee = call(**kwargs)
    except ValidationError as error:
        raise _validation_failed(error) from None
    return employee


class EmployeeListApi(JsonApi):
    query = {"get": query_names(EmployeeFilterSerializer, EMPLOYEE_PAGES)}

    @extend_schema(
        operation_id="employees_list",
        tags=["employees"],
        summary="The roster",
        description=(
            "HR and the marketing director see every employee; a department head their own "
            "department's; anyone else gets 403. Ordered by employee number, by cursor."
        ),
        parameters=[EmployeeFilterSerializer, *EMPLOYEE_PAGES.parameters()],
        responses={200: EmployeePageSerializer, **error_responses(400, 403)},
    )
    def get(self, request: Request) -> Response:
        roles = caller_roles(request)
        require(roles.sees_roster)
        filters = parse_query(EmployeeFilterSerializer, request)
        size = EMPLOYEE_PAGES.page_size(request.query_params)
        query = {
            name: None if filters.get(name) == "" else filters.get(name)
            for name in ("q", "department", "active")
        }
        after = EMPLOYEE_PAGES.position(request.query_params, query=query)
        employees = selectors.employee_list(
            viewer_roles=roles,
            query=filters.get("q", ""),
            department_id=department_id(filters.get("department")),
            active=filters.get("active"),
        )
        if after is not None:
            number, pk = after
            employees = employees.filter(
                Q(employee_no__gt=number) | Q(employee_no=number, pk__gt=pk)
            )
        page = EMPLOYEE_PAGES.page(
            request,
            list(employees[: size + 1]),
            size=size,
            query=query,
            key=lambda employee: (employee.employee_no, employee.pk),
        )
        return Response(
            {"next": page.next, "results": EmployeeSerializer(page.results, many=True).data}
        )

    @extend_schema(
        operation_id="employees_create",
        tags=["employees"],
        summary="Add an employee (HR)",
        description=(
            "The employee number must be new and the department a catalogue code; a bad or "
            "duplicate value is refused naming its field. An active employee gets a review "
            "when a quarter's reviews are next generated."
        ),
        request=EmployeeSerializer,
        responses={201: EmployeeSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = parse_body(EmployeeSerializer, request)
        employee = _roster_write(services.employee_create, actor=request.user, **data)
        return Response(EmployeeSerializer(employee).data, status=status.HTTP_201_CREATED)


def _visible_employee(roles: Roles, employee_no: str) -> Employee:
    return found(
        selectors.employee_list(viewer_roles=roles)
        .filter(employee_no__iexact=employee_no.strip())
        .first()
    )


class EmployeeDetailApi(JsonApi):
    @extend_schema(
        operation_id="employees_retrieve",
        tags=["employees"],
        summary="One employee",
        description=(
            "By employee number (any case). HR and the director see anyone; a department head "
            "their own department's; anyone else gets 404."
        ),
        responses={200: EmployeeSerializer, **error_responses(404)},
    )
    def get(self, request: Request, employee_no: str) -> Response:
        employee = _visible_employee(caller_roles(request), employee_no)
        return Response(EmployeeSerializer(employee).data)

    @extend_schema(
        operation_id="employees_partial_update",
        tags=["employees"],
        summary="Change an employee (HR)",
        description=(
            "Only the fields given change; a bad or duplicate value is refused naming its field, "
            "and then nothing is saved."
        ),
        request=EmployeeSerializer(partial=True),
        responses={200: EmployeeSerializer, **error_responses(400, 403, 404)},
    )
    def patch(self, request: Request, employee_no: str) -> Response:
        employee = _visible_employee(caller_roles(request), employee_no)
        serializer = EmployeeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        employee = _roster_write(
            services.employee_update,
            actor=request.user,
            employee=employee,
            **serializer.validated_data,
        )
        return Response(EmployeeSerializer(employee).data)


class EmployeeImportApi(Api):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="employees_import",
        tags=["employees"],
        summary="Import the roster from a CSV or Excel file (HR)",
        description=(
            "All or nothing: a file with any bad row is refused whole, each problem named in "
            "`fields` with its `row` (as in the spreadsheet: the header is row 1) and column. "
            "Employees are matched on their number; those missing from the file are left alone."
        ),
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ImportResultSerializer, **error_responses(400, 403, 413, 415)},
    )
    def post(self, request: Request) -> Response:
        if not caller_roles(request).manages_roster:
            raise NotAllowed(_("Only HR can change the roster."))
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                [
                    FieldError(
                        field="file",
                        message=_("Choose a CSV or Excel file to import."),
                        code="required",
                    )
                ]
            )
        try:
            result = services.employee_import(
                file=upload, filename=upload.name or "", actor=request.user
            )
        except ImportRejected as rejected:
            raise ValidationFailed(
                [
                    FieldError(
                        field=error.field or "file",
                        message=error.message,
                        code="invalid",
                        row=error.row,
                    )
                    for error in rejected.errors
                ]
            ) from None
        return Response(ImportResultSerializer(result).data)
